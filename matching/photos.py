"""Progress photos: judged by decoding them, never by their name or first bytes; stored re-encoded (no byte of the
upload kept, no EXIF with a resident's GPS position) under a random name with the detected type's extension."""

import io
import uuid
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO_MAX_BYTES = 5 * 1024 * 1024
# A 40-megapixel phone photo decodes to 160 MB; more is no photo of a project but a decompression bomb.
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_MAX_SIDE = 4096  # stored at most this wide or high: enough for any screen, and bounded on disk


@dataclass(frozen=True)
class PhotoType:
    extension: str
    content_type: str


TYPES = {"JPEG": PhotoType("jpg", "image/jpeg"), "PNG": PhotoType("png", "image/png")}
SIGNATURES = {b"\xff\xd8\xff": TYPES["JPEG"], b"\x89PNG\r\n\x1a\n": TYPES["PNG"]}

_NOT_A_PHOTO = _("Only JPEG or PNG photos are accepted.")


def _open(upload) -> Image.Image:
    """The decoded image of an upload, or a ValidationError in the user's language."""
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(
            _("The photo is %(size).1f MB; at most 5 MB is accepted."),
            params={"size": upload.size / 2**20},
            code="photo_size",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=list(TYPES))  # reads the header only
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise _too_many_pixels()
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(_NOT_A_PHOTO, code="photo_type") from None
    finally:
        upload.seek(0)
    return image


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _(
            "The photo has more pixels than a photo of a project needs; at most %(limit)d million are accepted."
        ),
        params={"limit": PHOTO_MAX_PIXELS // 1_000_000},
        code="photo_pixels",
    )


def validate_photo(upload) -> None:
    """A JPEG or PNG of at most 5 MB and 40 million pixels that decodes: judged by its content, not its name."""
    _open(upload)


def reencode(upload) -> ContentFile:
    """A new file holding only the pixels of the upload (turned upright as its EXIF said, then without any
    metadata), named at random with the extension of its decoded type."""
    image = _open(upload)
    photo_type = TYPES[image.format]
    image = ImageOps.exif_transpose(image)
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    if photo_type is TYPES["JPEG"]:
        mode = "L" if image.mode in ("1", "L") else "RGB"
    else:
        has_alpha = "A" in image.mode or "transparency" in image.info
        mode = "RGBA" if has_alpha else ("L" if image.mode in ("1", "L") else "RGB")
    image = image.convert(mode)
    pixels = Image.frombytes(mode, image.size, image.tobytes())  # a new image: no info, EXIF, ICC or text
    buffer = io.BytesIO()
    if photo_type is TYPES["JPEG"]:
        pixels.save(buffer, "JPEG", quality=85)
    else:
        pixels.save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{photo_type.extension}")


def stored_type(file) -> PhotoType | None:
    """The type of a stored photo from its first bytes (photos stored before re-encoding kept the uploaded name);
    None for anything else."""
    with file.open("rb") as stored:
        head = stored.read(8)
    return next((kind for signature, kind in SIGNATURES.items() if head.startswith(signature)), None)
