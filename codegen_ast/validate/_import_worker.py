"""Imports generated packages in the target Python, one request per line.

Run as a script by :mod:`codegen_ast.validate.import_check` (standard library
only at module level): each line on stdin is ``{"root": folder, "package":
name}``; the package and every module below it but its tests are imported from
``folder``, and one line of JSON answers: ``{"error": null}`` or the error with
the file and line of the package where it was raised. The process stays up
for the next request, so a batch pays the framework's import once; as soon as it
starts, it imports the modules named on its command line (the framework's node base
classes and contract models, and what the support package imports: see
:func:`_preload`), so that this costly part overlaps the asking process's work.

With ``--serve CONFIG`` it is the import server instead (see :func:`serve` and
:mod:`codegen_ast.validate.import_server`): it preloads the same modules once,
then listens on a Unix socket and answers each request from a child it forks,
which imports the package with :func:`check` exactly as the worker does; it also
loads the contract probe beside this script (``_probe.py``) with the framework's
contract models, and answers the probe's contract questions the same way (a child
runs ``probe()``, as the probe server would).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import pkgutil
import select
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any, NoReturn


def _forget(package: str) -> None:
    for name in [name for name in sys.modules if name == package or name.startswith(package + ".")]:
        del sys.modules[name]


def _forget_from(root: str) -> None:
    """Every module loaded from ``root`` (a package's shared neighbour, such as
    onex_support, comes from the next request's own folder)."""
    inside = os.path.abspath(root) + os.sep
    for name, module in list(sys.modules.items()):
        places = [getattr(module, "__file__", None) or "", *(getattr(module, "__path__", None) or [])]
        if any(os.path.abspath(str(place)).startswith(inside) for place in places if place):
            del sys.modules[name]


def check(root: str, package: str) -> dict[str, Any]:
    """Import ``package`` from ``root``; None as the error when it imports."""
    _forget(package)
    sys.path.insert(0, root)
    importlib.invalidate_caches()
    try:
        with contextlib.redirect_stdout(sys.stderr):  # stdout carries the answers
            module = importlib.import_module(package)
            for found in pkgutil.walk_packages(module.__path__, package + "."):
                if ".tests" not in found.name:
                    importlib.import_module(found.name)
        return {"error": None, "unversioned": _unversioned(root)}
    except BaseException as error:  # whatever the import raises is the answer
        inside = [frame for frame in traceback.extract_tb(error.__traceback__)
                  if os.path.abspath(frame.filename).startswith(os.path.abspath(root) + os.sep)]
        last = inside[-1] if inside else None
        return {
            "error": "%s: %s" % (type(error).__name__, error),
            "file": os.path.relpath(last.filename, root) if last else None,
            "line": last.lineno if last else None,
        }
    finally:
        sys.path.remove(root)
        _forget(package)
        _forget_from(root)


def _unversioned(root: str) -> list[str]:
    """Files of the loaded modules that come from neither ``root``, the standard library
    nor an installed distribution's folder (a source folder on the path, an editable
    project): no installed version stands for their contents, so an answer that may
    rest on them is not kept on disk."""
    return sorted(_unversioned_files(root))[:20]


def _unversioned_files(*roots: str) -> set[str]:
    import sysconfig

    paths = sysconfig.get_paths()
    known = tuple(os.path.abspath(folder) + os.sep for folder in
                  (*roots, *(paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib"))))
    found = set()
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if name == "__main__" or not file:
            continue
        place = os.path.abspath(file)
        if not place.startswith(known) and not {"site-packages", "dist-packages"} & set(place.split(os.sep)):
            found.add(place)
    return found


def _preload(names: list[str], asked: Callable[[], bool] | None = None) -> None:
    """Import ``names`` (the command line's: what every generated package imports
    first) when the worker starts, while the asking process still builds the package.
    ``module:name`` also takes ``name`` from it (a package that loads its classes on
    first use). ``--imports-of FOLDER MODULE...``: the modules of the package in
    FOLDER (the support package every declarative package imports) are read, not
    imported; what they, and the modules of the package they import in turn, import
    from elsewhere at their top level is imported (the framework, httpx, redis, ...),
    before the other names. A request that arrives meanwhile ends the preload
    (``asked`` tells, by default whether a line waits on stdin)."""
    if "--imports-of" in names:
        at = names.index("--imports-of")
        names = _imports_of(names[at + 1], names[at + 2:]) + names[:at]  # what every package imports first
    for name in names:
        if (asked or _asked)():
            return  # the request matters more than the rest of the list
        module, _, attribute = name.partition(":")
        try:
            with contextlib.redirect_stdout(sys.stderr):
                loaded = importlib.import_module(module)
                if attribute and not hasattr(loaded, attribute):
                    importlib.import_module(f"{module}.{attribute}")  # a submodule
        except BaseException:  # the package's own import reports what is wrong
            pass


def _asked() -> bool:
    """Whether a request waits on stdin (nothing of it read yet)."""
    try:
        return bool(select.select([sys.stdin], [], [], 0)[0])
    except (OSError, ValueError):  # no select on this stream (Windows pipes): preload everything
        return False


def _imports_of(folder: str, modules: list[str]) -> list[str]:
    """``module`` or ``module:name`` of every import from outside the package in
    ``folder`` at the top level of ``modules`` (dotted names in that package) and of
    the package's modules they import, each once, in the order met."""
    import ast

    own = os.path.basename(os.path.normpath(folder))
    found: dict[str, None] = {}
    seen: set[str] = set()
    pending = list(modules)
    while pending:
        module = pending.pop(0)
        if module in seen or module.split(".")[0] != own:
            continue
        seen.add(module)
        parts = module.split(".")[1:]
        for candidate in (os.path.join(folder, *parts, "__init__.py"), os.path.join(folder, *parts) + ".py"):
            if os.path.isfile(candidate):
                break
        else:
            continue
        try:
            with open(candidate, encoding="utf-8") as stream:
                tree = ast.parse(stream.read())
        except (OSError, SyntaxError, ValueError):
            continue
        package = module if candidate.endswith("__init__.py") else module.rpartition(".")[0]
        for node in [item for node in tree.body for item in (node.body if isinstance(node, ast.Try) else [node])]:
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                names = [base, *(f"{base}:{alias.name}" for alias in node.names if alias.name != "*")]
            else:
                continue
            for name in names:
                top = name.split(":")[0].split(".")[0]
                if top == own:
                    pending.append(name.replace(":", "."))  # a module of the package, or a name: read if a module
                elif top != "__future__":
                    found[name] = None
    return list(found)


_PROBE_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_probe.py")


def environment_key(entries: list[str]) -> str:
    """A digest of this interpreter, the source of this script and of the contract probe
    beside it (the server answers for both), and what is installed in the folders
    ``entries`` (the asking process's path but for its first entry): the names of the
    ``*.dist-info``, ``*.egg-info`` and ``*.egg-link`` entries and the text of the
    ``.pth`` files. The key of the answers kept on disk and of the import server."""
    import hashlib

    parts = [os.path.abspath(sys.executable), sys.version]
    for source in (__file__, _PROBE_FILE):
        with open(source, encoding="utf-8") as stream:
            parts.append(stream.read())
    for entry in entries:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        parts.append(entry)
        for name in names:
            if name.endswith((".dist-info", ".egg-info", ".egg-link")):
                parts.append(name)
            elif name.endswith(".pth"):
                try:
                    with open(os.path.join(entry, name), encoding="utf-8", errors="replace") as stream:
                        parts.append(name + stream.read())
                except OSError:
                    parts.append(name)
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


# --- the import server ----------------------------------------------------------------

_CHECK_EVERY_S = 5.0  # how often an idle server checks that its environment is still the one it loaded
_REQUEST_TIMEOUT_S = 10.0  # to read a request, or write an answer
_CHILD_LIMIT_S = 300  # a child that has not answered by then is killed (the asking process has given up)
_WAIT_FOR_STARTER_S = 3.0


def serve(config: dict[str, Any], names: list[str]) -> None:
    """The import server of one environment (``config``: ``socket``, ``pid`` (its lock
    file), ``key``, ``entries``, ``idle`` seconds).

    It holds an exclusive lock on the pid file while it lives (one server per
    environment; another one starting exits at once), waits for the process that
    started it to end (so that loading the framework takes no core from it),
    preloads ``names`` as the worker does, then the contract probe and what it needs
    (:func:`_load_probe`), and listens on ``socket`` (in a folder only its user may
    enter; a peer of another user is refused). Each request, a JSON line ``{"key",
    "root", "package", "environ"}``, is answered by a child forked for it, with
    :func:`check`; ``{"key", "probe": request, "environ"}`` likewise with the probe's
    ``probe(request)`` (its contract questions). The server ends after ``idle`` seconds
    without a request; when its environment's key no longer matches ``key`` (a
    distribution installed or removed, this script edited), a module it preloaded
    from a source folder changed on disk, or its socket was removed; on ``{"key",
    "stop": true}``; or on SIGTERM.
    """
    import fcntl
    import signal

    if not _private(os.path.dirname(config["socket"])):
        return
    lock = os.open(config["pid"], os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(lock)
        return  # another server of this environment lives
    signal.signal(signal.SIGTERM, _terminated)
    server = None
    try:
        os.ftruncate(lock, 0)
        os.write(lock, b"%d\n" % os.getpid())
        _wait_for_starter()
        _preload(names, asked=lambda: False)
        probe = _load_probe()
        if environment_key(config["entries"]) != config["key"]:
            return  # not the environment it was started for (or no longer)
        if "threading" in sys.modules and sys.modules["threading"].active_count() > 1:
            return  # a thread the preload started: a child forked now could hang on its locks
        server = _Server(config, lock, probe)
        server.run()
    finally:
        if server is not None:
            server.close()
        os.ftruncate(lock, 0)
        os.close(lock)


def _load_probe() -> Any:
    """The contract probe beside this script, loaded from its file (this script runs
    outside the codegen_ast package), with the framework's contract models imported."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_codegen_ast_probe", _PROBE_FILE)
    assert spec is not None and spec.loader is not None
    probe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probe)
    with contextlib.redirect_stdout(sys.stderr):
        probe.prepare()
    return probe


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _private(folder: str) -> bool:
    """Whether ``folder`` is a real folder of this user that no one else may enter."""
    import stat

    try:
        found = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(found.st_mode) and found.st_uid == os.getuid() and not found.st_mode & 0o077


def _wait_for_starter() -> None:
    """Until the process that started this one has ended (the server is started by one
    that is busy), for at most a few seconds."""
    starter = os.getppid()
    deadline = time.monotonic() + _WAIT_FOR_STARTER_S
    while os.getppid() == starter and time.monotonic() < deadline:
        time.sleep(0.05)


def _stamps(files: set[str]) -> dict[str, tuple[int, int]]:
    found = {}
    for file in files:
        try:
            seen = os.stat(file)
        except OSError:
            continue
        found[file] = (seen.st_mtime_ns, seen.st_size)
    return found


class _Server:
    """The listening part of :func:`serve`, once the framework is loaded."""

    def __init__(self, config: dict[str, Any], lock: int, probe: Any) -> None:
        import signal
        import socket

        self.config, self.lock, self.probe = config, lock, probe
        self.path = str(config["socket"])
        self.watched = _stamps(_unversioned_files())  # preloaded from a source folder: an edit ends the server
        self.children: dict[int, float] = {}
        # a child that ends wakes the loop (it is reaped at once)
        self.wake, self.woken = os.pipe()
        os.set_blocking(self.wake, False)
        os.set_blocking(self.woken, False)
        signal.set_wakeup_fd(self.woken)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        gc.freeze()  # what the preload made stays put: forked children do not copy it when they collect
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)  # left by a server that died: this one holds the lock now
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.path)
        os.chmod(self.path, 0o600)
        self.inode = os.stat(self.path).st_ino
        self.listener.listen(16)

    def close(self) -> None:
        self.listener.close()
        with contextlib.suppress(OSError):
            if os.stat(self.path).st_ino == self.inode:
                os.unlink(self.path)

    def run(self) -> None:
        idle = float(self.config["idle"])
        last = checked = time.monotonic()
        while True:
            timeout = max(0.05, min(_CHECK_EVERY_S, last + idle - time.monotonic()))
            ready = select.select([self.listener.fileno(), self.wake], [], [], timeout)[0]
            if self.wake in ready:
                with contextlib.suppress(OSError):
                    os.read(self.wake, 4096)
            self.reap()
            now = time.monotonic()
            if self.listener.fileno() in ready:
                last = now
                try:
                    connection, _ = self.listener.accept()
                except OSError:
                    continue
                with connection:
                    if not self.answer(connection):
                        return
            elif now - last >= idle and not self.children:
                return
            if now - checked >= _CHECK_EVERY_S:
                checked = now
                if self.stale():
                    return

    def stale(self) -> bool:
        """Whether this server should end: its socket gone or replaced, its environment changed."""
        try:
            if os.stat(self.path).st_ino != self.inode:
                return True
        except OSError:
            return True
        return (_stamps(set(self.watched)) != self.watched
                or environment_key(self.config["entries"]) != self.config["key"])

    def reap(self) -> None:
        import signal

        for pid, started in list(self.children.items()):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                del self.children[pid]
            elif time.monotonic() - started > _CHILD_LIMIT_S + 5:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)

    def answer(self, connection: Any) -> bool:
        """Answer one connection (a child forked for it imports the package, or answers the
        probe's questions); False: the server ends."""
        connection.settimeout(_REQUEST_TIMEOUT_S)
        if not _same_user(connection):
            return True
        try:
            request = json.loads(_read_line(connection))
        except (OSError, ValueError):
            return True  # a peer that only looked whether the server is up, or said nothing sensible
        if not isinstance(request, dict):
            return True
        if request.get("key") != self.config["key"]:
            _send(connection, {"refused": "another environment"})
            return True
        if request.get("stop"):
            _send(connection, {"stopping": True})
            return False
        if "probe" in request and not isinstance(request["probe"], dict):
            _send(connection, {"refused": "not a probe request"})
            return True
        if self.stale():
            _send(connection, {"refused": "the environment changed"})
            return False
        pid = os.fork()
        if pid == 0:
            self.child(connection, request)
        self.children[pid] = time.monotonic()
        return True

    def child(self, connection: Any, request: dict[str, Any]) -> NoReturn:
        """In the forked child: import the package as the worker does (or answer the
        probe's questions as the probe server does), answer, end."""
        import signal

        code = 1
        try:
            self.listener.close()
            for handle in (self.lock, self.wake, self.woken):
                os.close(handle)
            signal.set_wakeup_fd(-1)
            for signum in (signal.SIGTERM, signal.SIGCHLD):
                signal.signal(signum, signal.SIG_DFL)
            signal.alarm(_CHILD_LIMIT_S)
            os.environ.clear()  # the asking process's environment, as its worker would have
            os.environ.update({str(name): str(value) for name, value in (request.get("environ") or {}).items()})
            if "probe" in request:
                with contextlib.redirect_stdout(sys.stderr):
                    answer = self.probe.probe(request["probe"])
            else:
                answer = check(str(request["root"]), str(request["package"]))
            _send(connection, answer)
            code = 0
        finally:
            os._exit(code)


def _same_user(connection: Any) -> bool:
    """Whether the peer runs as this user (its folder already keeps others out)."""
    import socket
    import struct

    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True
    try:
        _, uid, _ = struct.unpack("3i", connection.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i")))
    except OSError:
        return False
    return bool(uid == os.getuid())


def _read_line(connection: Any, limit: int = 1 << 20) -> bytes:
    """One line from a socket (up to ``limit`` bytes); ValueError when it ends first."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = connection.recv(65536)
        if not chunk or len(data) > limit:
            raise ValueError("no complete line")
        data += chunk
    return data


def _send(connection: Any, answer: dict[str, Any]) -> None:
    with contextlib.suppress(OSError):
        connection.sendall(json.dumps(answer).encode() + b"\n")


def _main() -> None:
    del sys.path[0]  # this script's folder: nothing there is the package's to import
    gc.set_threshold(50_000, 20, 20)  # the framework's import makes objects that live on: collect less often
    if sys.argv[1:2] == ["--serve"]:
        serve(json.loads(sys.argv[2]), sys.argv[3:])
        return
    _preload(sys.argv[1:])
    for line in sys.stdin:
        request = json.loads(line)
        answer = check(request["root"], request["package"])
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    _main()
