"""`make demo` then Ctrl-C in a terminal: every process stops, nothing is logged as an error, make exits 0.

Runs the real target under a pseudo-terminal (its own database and broker under a temporary VAR_DIR, the web server
on a free port), waits until the web server answers, types Ctrl-C, and reads the exit status and the output.
Slow (a minute: migrations and the demo data), so it is marked like the browser tests.
"""

import os
import pty
import select
import socket
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser  # runs with the slow end-to-end tests


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port: int) -> bool:
    """The web server accepts connections (its pages may take a while on a loaded machine)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def test_ctrl_c_stops_make_demo_cleanly(tmp_path):
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(VAR_DIR=str(tmp_path / "var"), DEMO_PORT=str(port))
    pid, fd = pty.fork()
    if pid == 0:  # the child: make in the terminal's foreground, as a person would run it
        os.chdir(ROOT)
        os.execvpe("make", ["make", "demo"], env)
    output = bytearray()

    def read_for(seconds: float, until=None) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                output.extend(chunk)
            if until is not None and until():
                return

    try:
        read_for(300, until=lambda: _answers(port))
        assert _answers(port), output.decode(errors="replace")[-3000:]
        read_for(5)  # the worker and beat settle
        os.write(fd, b"\x03")  # Ctrl-C
        read_for(40)
        _, status = os.waitpid(pid, 0)
    finally:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
    text = output.decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) == 0, text[-3000:]
    assert "ERROR" not in text and "Error 1" not in text and "Error 130" not in text, text[-3000:]
    assert not _answers(port)  # the web server stopped with the rest
