"""Real images for upload tests, made with Pillow: small PNGs and JPEGs (one with a GPS position in its EXIF), and
the header of a PNG that claims more pixels than any photo has."""

import io
import struct
import zlib

from PIL import Image

GPS_IFD = 0x8825


def png(size=(8, 6), colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg(size=(8, 6), colour=(30, 120, 200), gps: bool = False) -> bytes:
    """A JPEG; with `gps`, its EXIF holds a position (latitude 39°56', longitude 116°25': Beixinqiao)."""
    image = Image.new("RGB", size, colour)
    buffer = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (39.0, 56.0, 0.0), 3: "E", 4: (116.0, 25.0, 0.0)})
        image.save(buffer, "JPEG", exif=exif)
    else:
        image.save(buffer, "JPEG")
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims width × height pixels, with one tiny compressed row: a decompression bomb's
    shape, cheap to make."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * (width + 1)))
        + chunk(b"IEND", b"")
    )
