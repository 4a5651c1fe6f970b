"""What the fault tests share: real Celery workers and beats in subprocesses, a private Redis server that a test may
kill, a TCP proxy that cuts the way to PostgreSQL, and the proposals an undisturbed run writes."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, transaction

from config.celery import app
from matching.models import MatchingRun
from matching.pipeline import runs

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def db_url(port: int | None = None) -> str:
    """The test database, through a proxy's port when given."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{port or db['PORT'] or 5432}/{db['NAME']}"


class Process:
    """A Celery subprocess in its own session, its output in a log file the test can read."""

    def __init__(self, args: list[str], env: dict, log: Path, hold_run_seconds: float | None = None):
        self.log = log
        self._file = open(log, "wb")  # noqa: SIM115 - closed in stop()
        command = [sys.executable, "-m", "celery", "-A", "config", *args]
        if hold_run_seconds is not None:
            command = [sys.executable, "-m", "tests.faults.delayed_worker", str(hold_run_seconds), *args]
        self.popen = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self._file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(10)

    def stop(self, timeout: float = 20) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self._file.close()


def celery_env(*, broker_url: str, database_url: str | None = None, **extra: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": database_url or db_url(),
        "CELERY_BROKER_URL": broker_url,
        **extra,
    }


def worker(
    tmp_path: Path,
    *,
    broker_url: str,
    database_url: str | None = None,
    hold_run_seconds: float | None = None,
    **extra: str,
) -> Process:
    """A worker on every queue (without -Q a worker consumes all of CELERY_TASK_QUEUES), one task at a time; with
    `hold_run_seconds`, each matching run waits that long after writing, inside its transaction."""
    name = f"fault{time.monotonic_ns()}"
    return Process(
        [
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-mingle",
            "--without-gossip",
            f"--hostname={name}@%h",
        ],
        celery_env(broker_url=broker_url, database_url=database_url, **extra),
        tmp_path / f"{name}.log",
        hold_run_seconds,
    )


def beat(tmp_path: Path, *, broker_url: str, name: str) -> Process:
    return Process(
        [
            "beat",
            "--loglevel=INFO",
            "--scheduler=django_celery_beat.schedulers:DatabaseScheduler",
            f"--pidfile={tmp_path / f'{name}.pid'}",
        ],
        celery_env(broker_url=broker_url),
        tmp_path / f"{name}.log",
    )


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def send_task(broker_url: str, name: str, args: list) -> None:
    """Send through the given broker (the suite runs tasks eagerly; send_task always goes through a broker).
    The queues are declared first: a restarted Redis has forgotten them."""
    with app.connection_for_write(broker_url) as conn:
        for queue in app.amqp.queues.values():
            queue(conn.default_channel).declare()
        app.send_task(name, args=args, connection=conn)


def expected_proposals(scope_code: str, committee) -> set:
    """What an undisturbed run writes, computed and rolled back."""
    with transaction.atomic():
        scratch = MatchingRun.objects.create(scope_code=scope_code, committee=committee, status="running")
        runs.perform(scratch)
        result = set(scratch.proposals.values_list("need_id", "resource_id", "quantity"))
        transaction.set_rollback(True)
    return result


class PrivateRedis:
    """A redis-server of the test's own on a free port, without persistence: a restart forgets everything, as a
    Redis that lost its disk would. The machine's shared Redis is never touched."""

    def __init__(self, tmp_path: Path):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed (apt-get install redis-server)")
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = tmp_path / f"redis-{self.port}.log"
        self.popen: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self.popen = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--logfile",
                str(self.log),
            ],
            start_new_session=True,
        )
        wait_for(self._answers, 10, f"redis-server on port {self.port}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        if self.popen and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait(10)

    def restart(self) -> None:
        self.kill()
        self.start()


class TcpProxy:
    """Forwards a local port to PostgreSQL. cut() closes every open connection and drops new ones at once (the
    client sees "server closed the connection unexpectedly"); restore() lets them through again."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1"):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.cuts = 0
        self.refused = 0
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if not self.open:
                self.refused += 1
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                self._close(sock)

    def _close(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._sockets) // 2

    def cut(self) -> int:
        """Close everything; returns how many connections were open."""
        self.open = False
        self.cuts += 1
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            self._close(sock)
        return len(sockets) // 2

    def restore(self) -> None:
        self.open = True

    def close(self) -> None:
        self.cut()
        self.listener.close()
