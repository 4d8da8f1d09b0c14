"""The import check (and the contract checks) kept warm between commands: a server that has the framework loaded.

The import check (rule IMP003) imports a package in the target Python; a fresh
worker must first import omnibase-core (about a second of CPU). The import
server is a long-lived process of the same script
(:mod:`codegen_ast.validate._import_worker`, ``--serve``) that has preloaded what
the worker preloads (the framework, what onex_support imports, the node base
classes) and, for each request, forks a child that imports the staged package
exactly as the worker does (:func:`~codegen_ast.validate._import_worker.check`)
and answers. Like mypy's daemon (:mod:`codegen_ast.validate.mypy_daemon`):

- one server per target interpreter and environment, named by the key of the
  import answers kept on disk (:class:`~codegen_ast.validate.import_check.
  ImportAnswers`): ``codegen-ast/import-server/<key>.sock`` (its socket) and
  ``<key>.pid`` (its pid, and the lock it holds while it lives) in the user's cache
  folder, a folder only that user may enter (0700); a peer of another user is
  refused. Only for the interpreter running codegen-ast, as the answers on disk;
- the server also answers the contract checks (the contract probe's questions,
  :mod:`codegen_ast.validate._probe`) that are not answered from disk
  (:mod:`codegen_ast.validate.target_env`), from a child it forks
  as well, so that a contract edited since the last command does not wait for a
  probe server to load the framework's contract models;
- a command whose import is not answered from disk asks the server when one is up;
  otherwise it imports in its own worker as before, and starts a server, detached
  (its own session, standard streams on /dev/null), which waits for that command to
  end before it loads the framework, for the next command;
- the server exits after :data:`IDLE_TIMEOUT_S` without a request
  (``CODEGEN_AST_IMPORT_SERVER_IDLE`` seconds when set), when its environment's key
  no longer matches (a distribution installed, upgraded or removed), when a module
  it preloaded from a source folder changes, or when its socket is removed;
- whatever goes wrong with it (refused, silent, a garbled answer, a child that
  crashed), the command imports in its worker instead (asks its probe server, for
  contracts): the answer is the worker's (the probe server's).
  A socket left by a server that died is removed by the next command that finds it;
- ``CODEGEN_AST_IMPORT_SERVER=0`` never uses or starts one (the test suite sets it);
  :func:`stop_servers` stops them (``python -m codegen_ast.validate.import_server
  stop``).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from codegen_ast.validate import _import_worker

IDLE_TIMEOUT_S = 1800
_CONNECT_TIMEOUT_S = 2.0
_ANSWER_TIMEOUT_S = 120.0
_STOP_TIMEOUT_S = 5.0
_SOCKET_PATH_MAX = 100  # bytes of a Unix socket's path (sun_path holds 108 on Linux, 104 on macOS)
FOLDER = "import-server"


def enabled() -> bool:
    return os.environ.get("CODEGEN_AST_IMPORT_SERVER", "1").strip().lower() not in {"0", "no", "off", "false"}


def idle_timeout() -> float:
    try:
        return float(os.environ.get("CODEGEN_AST_IMPORT_SERVER_IDLE", IDLE_TIMEOUT_S))
    except ValueError:
        return IDLE_TIMEOUT_S


class Server:
    """The import server of one environment: ``folder/<key>.sock`` and ``folder/<key>.pid``.

    ``entries`` are the folders whose installed distributions the key covers (the
    server checks them again while it lives)."""

    def __init__(self, folder: Path, key: str, entries: list[str]) -> None:
        self.folder = folder
        self.key = key
        self.entries = entries
        self.socket = folder / f"{key}.sock"
        self.pid_file = folder / f"{key}.pid"

    def usable(self) -> bool:
        """Whether the socket's path fits, in a private folder (made so if it is not there)."""
        if len(os.fsencode(self.socket)) > _SOCKET_PATH_MAX:
            return False
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            return False
        return _import_worker._private(str(self.folder))

    def up(self) -> bool:
        """Whether a server answers on the socket (a connection, closed at once)."""
        connection = self._connect()
        if connection is None:
            return False
        connection.close()
        return True

    def ask(self, root: Path, package: str) -> Asked | None:
        """Send the import of ``root/package``; None when no server takes it (a stale socket is removed)."""
        return self._send({"root": str(root), "package": package})

    def ask_probe(self, request: dict[str, Any]) -> Asked | None:
        """Send a request of the contract probe (:func:`codegen_ast.validate._probe.probe`);
        None when no server takes it. Its reply is checked by the one who asked."""
        return self._send({"probe": request})

    def _send(self, question: dict[str, Any]) -> Asked | None:
        connection = self._connect()
        if connection is None:
            return None
        request = {"key": self.key, **question, "environ": dict(os.environ)}
        try:
            connection.sendall(json.dumps(request).encode() + b"\n")
        except OSError:
            connection.close()
            return None
        return Asked(connection)

    def _connect(self) -> socket.socket | None:
        if not self.socket.exists() or not self.usable():
            return None
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(_CONNECT_TIMEOUT_S)
        try:
            connection.connect(str(self.socket))
        except OSError:
            connection.close()
            self.clean()
            return None
        return connection

    def clean(self) -> None:
        """Remove the socket and pid a dead server left (nothing while a server holds the lock)."""
        with self._lock_if_free() as free:
            if free:
                self.socket.unlink(missing_ok=True)
                with contextlib.suppress(OSError):
                    os.truncate(self.pid_file, 0)

    def alive(self) -> bool:
        """Whether a server of this environment lives (it holds the lock: maybe still loading)."""
        with self._lock_if_free() as free:
            return not free

    @contextlib.contextmanager
    def _lock_if_free(self) -> Iterator[bool]:
        try:
            handle = os.open(self.pid_file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError:
            yield False
            return
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            os.close(handle)

    def start(self, executable: str, preload: list[str]) -> subprocess.Popen[bytes] | None:
        """Start a server, detached, unless one lives; failing to start is not an error."""
        if not self.usable() or self.alive():
            return None
        config = {"socket": str(self.socket), "pid": str(self.pid_file), "key": self.key,
                  "entries": self.entries, "idle": idle_timeout()}
        try:
            return subprocess.Popen(
                [executable, _import_worker.__file__, "--serve", json.dumps(config), *preload],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                cwd=Path(_import_worker.__file__).anchor, start_new_session=True,
            )
        except OSError:
            return None

    def pid(self) -> int | None:
        """The pid of the living server, None when there is none."""
        if not self.alive():
            return None
        try:
            return int(self.pid_file.read_text(encoding="utf-8").strip() or 0) or None
        except (OSError, ValueError):
            return None

    def stop(self) -> bool:
        """Stop the server of this environment, if one lives (asked, then SIGTERM, then SIGKILL)."""
        pid = self.pid()
        if pid is None:
            self.clean()
            return False
        connection = self._connect()
        if connection is not None:
            with contextlib.closing(connection), contextlib.suppress(OSError):
                connection.sendall(json.dumps({"key": self.key, "stop": True}).encode() + b"\n")
                connection.recv(1024)
        for sent in (None, signal.SIGTERM, signal.SIGKILL):
            if sent is not None:
                with contextlib.suppress(OSError):
                    os.kill(pid, sent)
            deadline = time.monotonic() + _STOP_TIMEOUT_S
            while self.alive() and time.monotonic() < deadline:
                time.sleep(0.02)
            if not self.alive():
                break
        self.clean()
        return True


class Asked:
    """A request sent to the server; :meth:`answer` (an import) or :meth:`reply` waits for it."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection

    def answer(self) -> dict[str, Any] | None:
        """The worker's answer (``{"error": None, ...}`` or the error), None when the server gave none."""
        answer = self.reply()
        if answer is None or "error" not in answer:
            return None
        return answer

    def reply(self) -> dict[str, Any] | None:
        """The reply, a JSON object; None when the server gave none within the time
        allowed, something else, or refused."""
        try:
            self.connection.settimeout(_ANSWER_TIMEOUT_S)
            data = _import_worker._read_line(self.connection)
            answer = json.loads(data)
        except (OSError, ValueError):
            return None
        finally:
            self.connection.close()
        if not isinstance(answer, dict) or "refused" in answer:
            return None
        return answer


def servers(folder: Path) -> list[Server]:
    """The servers whose pid file is in ``folder``, living or not."""
    return [Server(folder, pid_file.stem, []) for pid_file in sorted(folder.glob("*.pid"))]


def stop_servers(folder: Path | None = None) -> list[int]:
    """Stop every import server of this user (in ``folder``, by default the user's
    cache folder's): the pids stopped."""
    if folder is None:
        import platformdirs

        folder = Path(platformdirs.user_cache_dir("codegen-ast", appauthor=False)) / FOLDER
    stopped = []
    for server in servers(folder):
        pid = server.pid()
        if server.stop() and pid is not None:
            stopped.append(pid)
    return stopped


def _main(argv: list[str]) -> int:
    if argv != ["stop"]:
        print("usage: python -m codegen_ast.validate.import_server stop", file=sys.stderr)
        return 2
    stopped = stop_servers()
    print(f"stopped {len(stopped)} import server(s)" + (f": pid {', '.join(map(str, stopped))}" if stopped else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
