"""A package built in memory is imported before it is written (rule IMP003).

The static stages prove much, but not that the module bodies run: a class body
that evaluates an annotation to ``None | None``, a name bound twice, a pydantic
model the framework refuses. So at every validation level but ``none``, the
package is imported, with every module below it but its tests, in the target
Python — in a worker process (:mod:`codegen_ast.validate._import_worker`) that
stays up for the next package: a batch pays the framework's import once. The
worker imports what packages import from the framework as soon as it starts; the
request is sent before the other stages run and answered after them, so on two
cores the import costs little wall time.

A package that imported cleanly is remembered on disk (:class:`ImportAnswers`):
the same files in the same environment import the same way, so a fresh process
that builds them again (``new`` run twice on one spec) is answered from disk. A
failure is never remembered: it is imported again, and reported again; nor is an
import during which a module came from a source folder on the path rather than an
installed distribution, since the key does not cover that module's contents.

A package not answered from disk is asked of the import server when one is up
(:mod:`codegen_ast.validate.import_server`): a process that keeps the framework
loaded and imports each package in a child it forks, as the worker does, without
the worker's second of loading the framework first.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from codegen_ast.target import CONTRACTS_PACKAGE
from codegen_ast.validate import _import_worker, import_server
from codegen_ast.validate.line_worker import LineWorker, WorkerSilent, shared_worker
from codegen_ast.validate.rules import Finding, Rule

IMPORT_FAILS = Rule(
    "IMP003", "imports", "error",
    "the generated package cannot be imported",
    "this is a defect of codegen-ast for this spec: report it with the spec; meanwhile "
    "rename the field or operation the error names",
)
RULES = (IMPORT_FAILS,)
BUILT_PACKAGES_ONLY = frozenset({IMPORT_FAILS.id})  # never reported for files on disk (codegen-ast validate)
_ANSWER_TIMEOUT_S = 300.0


def prewarm_import(executable: str, command_line: list[str] | None = None) -> None:
    """Start the import worker of ``executable`` now: it loads the framework while this process works.

    Not when the same ``command_line`` (its words, the files they name, the current
    folder and its pyproject.toml) was run before and every import it asked was
    answered from disk or passed: its packages are most likely answered from disk
    again (:class:`ImportAnswers`), and a worker would only take a core loading the
    framework for nothing. Should they differ after all, the worker starts when asked.
    """
    global _RUN_MARK
    if executable in _PREWARM_DECIDED:
        return  # decided for this process already (new asks again once it knows its options)
    _PREWARM_DECIDED.add(executable)
    answers = ImportAnswers.of(executable)
    if answers is not None and command_line is not None:
        _RUN_MARK = answers.folder / "runs" / _run_key(command_line)
        atexit.register(_mark_run)
        if _RUN_MARK.is_file():
            return
    server = import_server_of(executable)
    if server is not None and server.up():
        return  # it answers (should it not after all, the worker starts when asked)
    _worker(executable).start()


_PREWARM_DECIDED: set[str] = set()
_RUN_MARK: Path | None = None  # this command line's mark, when it was given
_RUN_IMPORTS = {"answered": 0, "failed": 0}


def _run_key(command_line: list[str]) -> str:
    digest = hashlib.sha256(json.dumps([os.getcwd(), command_line]).encode())
    for word in [*command_line, "pyproject.toml"]:
        try:
            if os.path.isfile(word):
                digest.update(Path(word).read_bytes())
        except (OSError, ValueError):
            continue
    return digest.hexdigest()[:32]


def _mark_run() -> None:
    """At exit: mark the command line when every import it asked passed, unmark it otherwise."""
    if _RUN_MARK is None:
        return
    try:
        if _RUN_IMPORTS["answered"] and not _RUN_IMPORTS["failed"]:
            _RUN_MARK.parent.mkdir(parents=True, exist_ok=True)
            _RUN_MARK.touch()
        elif _RUN_IMPORTS["failed"]:
            _RUN_MARK.unlink(missing_ok=True)
    except OSError:
        pass


def _preload() -> list[str]:
    """What the worker imports as it starts, while this process builds the package:
    through ``--imports-of``, whatever the support package written beside every
    declarative package imports from outside itself (most of the framework, httpx,
    redis, ...: about a second), then the framework's node base classes (its node
    package loads them on first use)."""
    from codegen_ast.support import PACKAGE
    from codegen_ast.target.node_types import NODE_KINDS

    support = Path(_import_worker.__file__).parents[1] / "support" / PACKAGE
    bases = [f"{kind.base.module}:{kind.base.name}" for kind in NODE_KINDS]
    return [*bases, "--imports-of", str(support), *_SUPPORT_IMPORTED]


# the support modules a generated package imports (but for its tests)
_SUPPORT_IMPORTED = ("onex_support", "onex_support.handlers", "onex_support.resources", "onex_support.values")


def _worker(executable: str) -> LineWorker:
    script = Path(_import_worker.__file__)
    return shared_worker([executable, str(script), *_preload()], cwd=script.anchor)


def import_server_of(executable: str) -> import_server.Server | None:
    """The import server of ``executable``'s environment (only the interpreter running
    codegen-ast's: the key of :class:`ImportAnswers`), None when disabled."""
    answers = ImportAnswers.of(executable)
    if answers is None or not import_server.enabled():
        return None
    return import_server.Server(answers.folder.parent.parent / import_server.FOLDER, answers.folder.name,
                                _key_entries())


def _start_server(executable: str) -> None:
    """Start the import server of ``executable`` for the next command, unless the one this
    process started lives (it may not hold its lock yet)."""
    started = _SERVER_STARTED.get(executable)
    if started is not None and started.poll() is None:
        return
    server = import_server_of(executable)
    if server is not None:
        _SERVER_STARTED[executable] = server.start(executable, _preload())


_SERVER_STARTED: dict[str, subprocess.Popen[bytes] | None] = {}


class PendingImport:
    """An import asked of the worker; :meth:`findings` waits for its answer."""

    def __init__(self, executable: str, root: Path, package: str, remember: Path | None = None) -> None:
        self.worker = _worker(executable)
        self.package = package
        self.remember = remember
        self.worker.lock.acquire()  # one request in flight per worker
        try:
            self.worker.send({"root": str(root), "package": package})
        except BaseException:
            self.worker.lock.release()
            raise

    def findings(self) -> list[Finding]:
        try:
            answer = self.worker.receive(_ANSWER_TIMEOUT_S)
        except WorkerSilent as silent:
            answer = {"error": f"the import check could not run in {self.worker.argv[0]}: {silent}"}
        finally:
            self.worker.lock.release()
        return _findings(answer, self.package, self.remember)


class ServedImport:
    """An import asked of the import server; :meth:`findings` waits for its answer, and
    asks the worker instead when the server gives none."""

    def __init__(self, asked: import_server.Asked, executable: str, root: Path, package: str,
                 remember: Path | None) -> None:
        self.asked = asked
        self.executable, self.root, self.package, self.remember = executable, root, package, remember

    def findings(self) -> list[Finding]:
        answer = self.asked.answer()
        if answer is None:  # refused, silent, garbled, or its child died: the worker answers
            _start_server(self.executable)
            return PendingImport(self.executable, self.root, self.package, self.remember).findings()
        return _findings(answer, self.package, self.remember)


def _findings(answer: dict[str, Any], package: str, remember: Path | None) -> list[Finding]:
    """IMP003 from a worker's answer (none when it imported); a clean import remembered on disk."""
    if answer.get("error") is None:
        if answer.get("unversioned"):  # its modules' contents are not in the key: ask again next time
            _RUN_IMPORTS["failed"] += 1
        else:
            _RUN_IMPORTS["answered"] += 1
            if remember is not None:
                ImportAnswers.remember(remember)
        return []
    _RUN_IMPORTS["failed"] += 1
    file = str(answer.get("file") or f"{package}/__init__.py")  # relative to the staging folder
    return [IMPORT_FAILS.finding(file, int(answer.get("line") or 1), f"importing it fails: {answer['error']}")]


class _Imported:
    """An import answered from disk: it imported before, the same files in the same environment."""

    def findings(self) -> list[Finding]:
        return []


def start_import(executable: str, root: Path, package: str,
                 files: Mapping[str, str]) -> PendingImport | ServedImport | _Imported:
    """Ask the worker of ``executable`` to import ``root/package``; collect with
    ``.findings()``. ``files`` is every file staged in ``root`` (path relative to it ->
    text). Answered from disk when these files imported cleanly before in this
    environment (:class:`ImportAnswers`); else by the import server when one is up
    (when none is, one is started for the next command)."""
    answers = ImportAnswers.of(executable)
    stored = answers.file(files) if answers is not None else None
    if stored is not None and stored.is_file():
        _RUN_IMPORTS["answered"] += 1
        return _Imported()
    server = import_server_of(executable)
    asked = server.ask(root, package) if server is not None else None
    if asked is not None:
        return ServedImport(asked, executable, root, package, stored)
    _start_server(executable)
    return PendingImport(executable, root, package, remember=stored)


class ImportAnswers:
    """The packages that imported cleanly, kept on disk between processes.

    ``codegen-ast/imports/<environment>/<files>.json`` in the user's cache folder:
    ``<files>`` is the SHA-256 of every file staged for the check (the package and
    what is written beside it, such as onex_support: paths and bytes);
    ``<environment>`` a digest of the target interpreter (its path and version),
    the worker's and the contract probe's source (the import server answers for
    both), and the installed distributions with their versions
    (the names of the ``*.dist-info`` and ``*.egg-info`` entries and the text of the
    ``.pth`` files on the interpreter's path), so another virtualenv or an upgraded
    omnibase-core, pydantic or httpx is another environment. Only for the
    interpreter running codegen-ast (another ``--python`` is always asked). A file
    that cannot be read or written is ignored: the worker answers.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def of(cls, executable: str) -> ImportAnswers | None:
        global _IMPORT_ANSWERS
        if os.path.abspath(executable) != os.path.abspath(sys.executable):
            return None
        if _IMPORT_ANSWERS is None:
            import platformdirs

            folder = Path(platformdirs.user_cache_dir("codegen-ast", appauthor=False)) / "imports"
            _IMPORT_ANSWERS = cls(folder / _environment_key())
        return _IMPORT_ANSWERS

    def file(self, files: Mapping[str, str]) -> Path:
        """Where the answer for ``files`` (staged path -> text) is kept."""
        digest = hashlib.sha256()
        for relative in sorted(files):
            digest.update(relative.encode() + b"\0" + hashlib.sha256(files[relative].encode()).digest())
        return self.folder / f"{digest.hexdigest()}.json"

    @staticmethod
    def remember(stored: Path) -> None:
        from codegen_ast.validate.parsed import write_json

        write_json(stored, {"error": None})


_IMPORT_ANSWERS: ImportAnswers | None = None


def _environment_key() -> str:
    """A digest of this interpreter, the worker's and the probe's source and what is installed on its path."""
    return _import_worker.environment_key(_key_entries())


def _key_entries() -> list[str]:
    # sys.path[0], this program's folder (or the current one), is not on the worker's path
    return sys.path[0 if sys.flags.safe_path else 1:]
