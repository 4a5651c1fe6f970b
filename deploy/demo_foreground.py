"""Run the demo's processes (honcho) so that Ctrl-C stops them cleanly and `make demo` exits 0.

A terminal's Ctrl-C sends SIGINT to its whole foreground process group, make included, and GNU make dies of it
whatever its recipe returns ("make: *** … Error 130"). So the processes run in a process group of their own,
made the terminal's foreground group: Ctrl-C reaches honcho alone, honcho stops every process with SIGTERM, and
this launcher gives the terminal back to make and exits 0. Without a terminal (CI, a pipe) it forwards SIGINT and
SIGTERM to the group instead.

    python deploy/demo_foreground.py .venv/bin/honcho -f Procfile.demo start
"""

import os
import signal
import sys

# honcho's own exit codes for "stopped by SIGINT / SIGTERM", and the same as signal deaths
STOPPED = {0, 130, 143, -signal.SIGINT, -signal.SIGTERM}


def _terminal() -> int | None:
    try:
        fd = os.open("/dev/tty", os.O_RDWR)
    except OSError:
        return None
    try:
        os.tcgetpgrp(fd)
    except OSError:
        os.close(fd)
        return None
    return fd


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    tty = _terminal()
    child = os.fork()
    if child == 0:
        os.setpgid(0, 0)
        if tty is not None:
            signal.signal(signal.SIGTTOU, signal.SIG_IGN)
            os.tcsetpgrp(tty, os.getpgrp())
            signal.signal(signal.SIGTTOU, signal.SIG_DFL)
        os.execvp(argv[0], argv)
    try:
        os.setpgid(child, child)
    except OSError:
        pass  # the child set it first
    if tty is not None:
        signal.signal(signal.SIGTTOU, signal.SIG_IGN)
        try:
            os.tcsetpgrp(tty, child)
        except OSError:
            pass

    def forward(signum, _frame):
        try:
            os.killpg(child, signum)
        except ProcessLookupError:
            pass

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except InterruptedError:
            continue
    if tty is not None:
        try:
            os.tcsetpgrp(tty, os.getpgrp())  # the terminal back to make's group
        except OSError:
            pass
    code = os.waitstatus_to_exitcode(status)
    if code in STOPPED:
        print("\n演示已停止 (demo stopped).", flush=True)
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
