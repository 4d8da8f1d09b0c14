"""The import server answers IMP003's import check as the worker does, in a child it
forks from a process that has the framework loaded: the same answer for a package
that imports and for one that fails; a server of another environment, a dead one or
a stale socket is not used (the worker answers, the socket is cleaned); it ends when
idle, when its environment changes, and never when disabled. It answers the contract
checks the same way, as the probe server would; a reply on its socket that is not the
probe's answer (garbage, a refusal, silence) is not believed: the probe server answers.
Every server a test starts is stopped by the ``home`` fixture."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import signal
import socket
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from codegen_ast.declarative.generate import generate_declarative
from codegen_ast.generate import GeneratedPackage
from codegen_ast.readers import read_node_spec
from codegen_ast.validate import (
    _import_worker,
    import_check,
    import_server,
    target_env,
    validate_generated,
)
from codegen_ast.validate.rules import Finding
from tests.conftest import EXAMPLE_SPEC, import_servers_left
from tests.validate.conftest import count_probe_asks, count_worker_requests

UP_TIMEOUT_S = 120.0  # the server waits for its starter (up to 3 s), then loads the framework


@dataclasses.dataclass
class Home:
    """A cache folder of this test: the answers kept on disk and the import servers."""

    root: Path
    worker_asked: list[str]

    @property
    def servers(self) -> Path:
        return self.root / import_server.FOLDER

    def server(self) -> import_server.Server:
        found = import_check.import_server_of(sys.executable)
        assert found is not None and found.folder == self.servers
        return found

    def answers(self) -> list[Path]:
        return list((self.root / "imports").glob("*/*.json"))


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch) -> Iterator[Home]:
    """The server enabled, its folder (short: a socket's path is limited) in a fresh
    temporary folder; the packages the worker is asked about are counted. Every server
    started there is stopped afterwards, and must be gone."""
    root = Path(tempfile.mkdtemp(prefix="cga-is-"))
    monkeypatch.setenv("CODEGEN_AST_IMPORT_SERVER", "1")
    monkeypatch.setattr(import_check, "_IMPORT_ANSWERS",
                        import_check.ImportAnswers(root / "imports" / import_check._environment_key()))
    monkeypatch.setattr(import_check, "_SERVER_STARTED", {})
    try:
        yield Home(root, count_worker_requests(monkeypatch))
    finally:
        import_server.stop_servers(root / import_server.FOLDER)
        left = import_servers_left(place=str(root))
        shutil.rmtree(root, ignore_errors=True)
        assert left == {}, f"import servers left running: {left}"


@pytest.fixture(scope="module")
def package() -> GeneratedPackage:
    return generate_declarative(read_node_spec(EXAMPLE_SPEC))


def _edited(package: GeneratedPackage, text: str) -> GeneratedPackage:
    files = dict(package.files)
    files["handler.py"] += text
    return dataclasses.replace(package, files=files)


def _imp003(found: GeneratedPackage) -> list[Finding]:
    return [finding for finding in validate_generated(found, level="basic").findings if finding.rule == "IMP003"]


def _until(condition: Callable[[], bool], timeout_s: float = UP_TIMEOUT_S) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _server_up(home: Home, package: GeneratedPackage) -> import_server.Server:
    """A package asked of the worker starts the server: wait until it answers."""
    assert _imp003(_edited(package, "\n# first\n")) == []
    assert len(home.worker_asked) == 1, "no server was up: the worker answers"
    server = home.server()
    assert _until(server.up), "the server did not come up"
    return server


def test_an_edited_package_is_answered_by_the_server_as_by_the_worker(home: Home, package: GeneratedPackage,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    server = _server_up(home, package)
    folder = server.folder.stat()
    assert stat.S_IMODE(folder.st_mode) == 0o700 and stat.S_IMODE(server.socket.stat().st_mode) == 0o600

    assert _imp003(_edited(package, "\n# edited\n")) == []
    assert home.worker_asked == [package.name], "the server did not answer"
    assert len(home.answers()) == 2, "the server's clean import was not remembered on disk"

    broken = _edited(package, '\nraise RuntimeError("planted at import")\n')
    served = _imp003(broken)
    assert home.worker_asked == [package.name], "the server did not answer"
    assert len(served) == 1 and "planted at import" in served[0].message, served
    assert served[0].file == f"{package.name}/handler.py", served[0]
    monkeypatch.setenv("CODEGEN_AST_IMPORT_SERVER", "0")
    assert _imp003(broken) == served, "the worker answers otherwise"
    assert home.worker_asked == [package.name] * 2
    assert len(home.answers()) == 2, "a failure was remembered"


def test_a_child_that_dies_is_answered_by_the_worker(home: Home, package: GeneratedPackage) -> None:
    server = _server_up(home, package)
    killed = _imp003(_edited(package, "\nimport os\nos.kill(os.getpid(), 9)\n"))
    assert home.worker_asked == [package.name] * 2, "the worker was not asked after the server's child died"
    assert len(killed) == 1 and "could not run" in killed[0].message, killed
    assert server.up(), "the server ended with its child"
    assert _imp003(_edited(package, "\n# after\n")) == [] and len(home.worker_asked) == 2


def test_a_server_of_another_environment_is_not_used(home: Home, package: GeneratedPackage) -> None:
    server = _server_up(home, package)
    # a socket of another environment's name that leads to this server: it refuses, the worker answers
    other = import_server.Server(server.folder, "0" * 16, server.entries)
    os.link(server.socket, other.socket)
    answers = import_check.ImportAnswers(home.root / "imports" / other.key)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(import_check, "_IMPORT_ANSWERS", answers)
        assert _imp003(_edited(package, "\n# elsewhere\n")) == []
    assert home.worker_asked == [package.name] * 2, "a server of another environment answered"
    # a server started for a key its environment does not have does not listen
    wrong = import_server.Server(server.folder, "f" * 16, server.entries)
    assert wrong.start(sys.executable, import_check._preload()) is not None
    assert _until(lambda: not wrong.alive())
    assert not wrong.socket.exists()


def test_a_dead_server_is_not_used_and_its_socket_is_cleaned(home: Home, package: GeneratedPackage) -> None:
    server = _server_up(home, package)
    pid = server.pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert _until(lambda: not server.alive())
    assert server.socket.exists(), "a killed server leaves its socket"
    assert _imp003(_edited(package, "\n# after death\n")) == []
    assert home.worker_asked == [package.name] * 2, "the worker did not answer"
    assert not server.socket.exists() or server.pid() != pid, "the stale socket is still there"
    assert server.pid() != pid
    assert _until(server.up), "no server was started again"


def test_an_idle_server_ends(home: Home, package: GeneratedPackage, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODEGEN_AST_IMPORT_SERVER_IDLE", "1")
    server = _server_up(home, package)
    assert _until(lambda: not server.alive(), timeout_s=30), "the server outlived its idle timeout"
    assert not server.socket.exists() and server.pid() is None


def test_a_server_ends_when_its_environment_changes(home: Home, package: GeneratedPackage,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A distribution installed in a folder of its path, or an edit to a module it
    loaded from a source folder (no version covers it), ends the server."""
    site, source = home.root / "site", home.root / "src"
    site.mkdir()
    source.mkdir()
    (source / "shop_models_under_edit.py").write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(source))
    entries = [*import_check._key_entries(), str(site)]
    for change in (lambda: (site / "httpx-99.0.dist-info").mkdir(),
                   lambda: (source / "shop_models_under_edit.py").write_text("VALUE = 22\n", encoding="utf-8")):
        server = import_server.Server(home.servers, _import_worker.environment_key(entries), entries)
        home.servers.mkdir(mode=0o700, exist_ok=True)
        assert server.start(sys.executable, ["shop_models_under_edit"]) is not None
        assert _until(server.up)
        change()
        assert _until(lambda running=server: not running.alive(), timeout_s=30), \
            "the server outlived a change of its environment"
        assert not server.socket.exists()
        entries = [*import_check._key_entries(), str(site)]


def test_disabled_no_server_is_used_or_started(home: Home, package: GeneratedPackage,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODEGEN_AST_IMPORT_SERVER", "0")
    assert import_check.import_server_of(sys.executable) is None
    for text in ("\n# one\n", "\n# two\n"):
        assert _imp003(_edited(package, text)) == []
    assert home.worker_asked == [package.name] * 2
    time.sleep(0.5)
    assert not home.servers.exists() or list(home.servers.iterdir()) == []


# --- the contract checks (the probe's questions) -----------------------------------------

_REFUSED_SECTION = "performance: {single_operation_max_ms: not-a-number}\n"


@pytest.fixture
def probe_asked(home: Home, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Contract answers kept in this test's cache folder; counts the contracts sent to the probe server."""
    return count_probe_asks(monkeypatch, home.root / "contracts")


def _contracts(package: GeneratedPackage, *marks: str) -> list[dict[str, str]]:
    """The package's contract, with a section its typed model refuses, made another text by each mark."""
    text = package.files["contract.yaml"] + _REFUSED_SECTION
    return [{"id": mark, "text": f"{text}# {mark}\n"} for mark in marks]


def _ask(contracts: list[dict[str, str]]) -> dict[str, Any]:
    answer: dict[str, Any] = target_env.TargetPython().ask({"contracts": contracts})["contracts"]
    return answer


def _expected(home: Home, package: GeneratedPackage, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The probe server's answer about the contract (the import server disabled), kept apart."""
    with monkeypatch.context() as patch:
        patch.setenv("CODEGEN_AST_IMPORT_SERVER", "0")
        patch.setattr(target_env, "_ANSWERS", target_env.ContractAnswers(home.root / "expected"))
        answer: dict[str, Any] = _ask(_contracts(package, "expected"))["expected"]
    assert not answer["loaded"] and any("performance" in str(error["loc"]) for error in answer["errors"]), answer
    return answer


def _stored(home: Home) -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted((home.root / "contracts").glob("*.json"))]


def test_contracts_are_answered_by_the_server_as_by_the_probe_server(
        home: Home, package: GeneratedPackage, probe_asked: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _expected(home, package, monkeypatch)
    probe_asked.clear()
    server = _server_up(home, package)  # its contract went to the probe server: none was up
    assert probe_asked == [1]

    assert _ask(_contracts(package, "one", "two")) == {"one": expected, "two": expected}
    assert probe_asked == [1], "the probe server was asked while the import server was up"
    assert _stored(home).count(expected) == 2, "the server's answers were not kept on disk"

    # a package with an edited contract: both its checks are answered by the server
    edited = _edited(package, "\n# contract edited\n")
    edited.files["contract.yaml"] += "# edited\n"
    assert [finding for finding in validate_generated(edited, level="basic").findings if finding.severity == "error"] == []
    assert probe_asked == [1] and home.worker_asked == [package.name], "the server did not answer both"

    with monkeypatch.context() as patch:
        patch.setenv("CODEGEN_AST_IMPORT_SERVER", "0")
        assert _ask(_contracts(package, "disabled")) == {"disabled": expected}
    assert probe_asked == [1, 1], "the import server was asked while disabled"

    # a server of another environment refuses: the probe server answers
    other = import_server.Server(server.folder, "0" * 16, server.entries)
    os.link(server.socket, other.socket)
    monkeypatch.setattr(import_check, "_IMPORT_ANSWERS", import_check.ImportAnswers(home.root / "imports" / other.key))
    assert _ask(_contracts(package, "elsewhere")) == {"elsewhere": expected}
    assert probe_asked == [1, 1, 1], "a server of another environment answered"


_NOT_ANSWERS = {
    "not JSON": b"contracts: all fine\n",
    "not an object": b"[1, 2]\n",
    "refused": b'{"refused": "another environment"}\n',
    "no answer for a contract": b'{"environment_error": null, "contracts": {}}\n',
    "answers not shaped as the probe's": b'{"environment_error": null, "contracts": {"%s": {"loaded": "yes"}}}\n',
    "an environment error": b'{"environment_error": "no framework here", "contracts": {"%s": {}}}\n',
    "half a line, then closed": b'{"environment_error": null, "contr',
    "closed without a word": b"",
    "silent": None,
}


@pytest.mark.parametrize("reply", list(_NOT_ANSWERS))
def test_garbage_or_silence_on_the_socket_is_not_believed(
        home: Home, package: GeneratedPackage, probe_asked: list[int], monkeypatch: pytest.MonkeyPatch,
        reply: str) -> None:
    """Whatever listens on the server's socket, a reply that is not the probe's answer to
    each contract asked is not believed: the probe server answers, and only its answer is
    kept on disk."""
    expected = _expected(home, package, monkeypatch)
    probe_asked.clear()
    monkeypatch.setattr(import_server, "_ANSWER_TIMEOUT_S", 1.0)
    server = home.server()
    assert server.usable()
    mark = reply.replace(" ", "-")
    sent = _NOT_ANSWERS[reply]
    with _impostor(server, sent.replace(b"%s", mark.encode()) if sent is not None else None) as heard:
        assert _ask(_contracts(package, mark)) == {mark: expected}
    assert len(heard) == 1 and b'"probe"' in heard[0], "the impostor was not asked"
    assert probe_asked == [1], "the probe server did not answer"
    assert _stored(home) == [expected]


@contextlib.contextmanager
def _impostor(server: import_server.Server, reply: bytes | None) -> Iterator[list[bytes]]:
    """Not the import server, listening on its socket: it reads each request, sends
    ``reply`` and closes (None: holds the connection without a word until the asker gives up)."""
    heard: list[bytes] = []
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(server.socket))
    listener.listen(4)
    listener.settimeout(0.1)
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                try:
                    heard.append(_import_worker._read_line(connection))
                except ValueError:
                    continue  # a peer that only looked whether a server is up
                if reply is None:
                    connection.settimeout(None)
                    done.wait(5.0)
                else:
                    connection.sendall(reply)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield heard
    finally:
        done.set()
        thread.join()
        listener.close()
        server.socket.unlink(missing_ok=True)
