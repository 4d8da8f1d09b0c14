"""The target Python: the interpreter whose environment holds omnibase-core.

Contract loading (stage 2) and import resolution (stage 3) must answer for the
target environment, not for the one running codegen-ast. When both are the same
interpreter the probe is imported and called directly, but for contracts: those
need the framework's contract models (most of omnibase-core, ~0.7 s to import),
which a probe server process imports instead (:func:`prewarm` starts it while
the command does other work; it stays up for the next package). Its answers are
kept on disk by contract text and environment (:class:`ContractAnswers`), so a
contract checked before needs no probe server; one not on disk is asked of the
import server first when one is up (:mod:`codegen_ast.validate.import_server`: it
has the contract models loaded already, and answers from a child it forks), and
of the probe server when it gives no well-formed answer. For another interpreter
the probe's source runs there in one subprocess per request.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from codegen_ast.validate import _probe
from codegen_ast.validate.line_worker import LineWorker, WorkerSilent, shared_worker
from codegen_ast.validate.source import ValidationInputError

_PROBE_TIMEOUT_S = 600


class TargetPython:
    """One interpreter; ``ask`` sends it a probe request and returns the answer."""

    def __init__(self, python: str | Path | None = None) -> None:
        self.executable = _interpreter(python)
        self.in_process = os.path.abspath(self.executable) == os.path.abspath(sys.executable)
        self._version: tuple[int, int] | None = (
            (sys.version_info.major, sys.version_info.minor) if self.in_process else None
        )

    @property
    def version(self) -> tuple[int, int]:
        """The target's ``major.minor``, asked once."""
        if self._version is None:
            self.ask({})
        assert self._version is not None
        return self._version

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        if self.in_process and request.get("contracts"):
            answer = _ask_contracts(self.executable, request)  # never imports the framework here
        elif self.in_process:
            answer = _probe.probe(request)
        else:
            answer = self._ask_subprocess(request)
        major, minor, *_ = answer["python"]["version"]
        self._version = (int(major), int(minor))
        if answer.get("environment_error"):
            raise ValidationInputError(
                f"{answer['environment_error']}: install omnibase-core there, or pass "
                "--python with the interpreter of the environment that has it"
            )
        return answer

    def _ask_subprocess(self, request: dict[str, Any]) -> dict[str, Any]:
        source = Path(_probe.__file__).read_text(encoding="utf-8")
        try:
            result = subprocess.run(
                [self.executable, "-c", source],
                input=json.dumps(request),
                capture_output=True,
                text=True,
                timeout=_PROBE_TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise ValidationInputError(f"--python {self.executable}: cannot run it: {error}") from error
        marker = f"\n{_probe.SENTINEL}\n"
        if result.returncode != 0 or marker not in result.stdout:
            last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
            raise ValidationInputError(
                f"--python {self.executable}: it could not answer the validator's questions: {last}"
            )
        answer: dict[str, Any] = json.loads(result.stdout.rsplit(marker, 1)[1])
        return answer


def _interpreter(python: str | Path | None) -> str:
    if python is None:
        return sys.executable
    text = str(python)
    if os.sep not in text and "/" not in text:
        found = shutil.which(text)
        if found is None:
            raise ValidationInputError(f"--python {text}: no such interpreter on PATH")
        text = found
    path = Path(text)
    if not path.is_file() or not os.access(path, os.X_OK):
        raise ValidationInputError(f"--python {text}: not an executable file")
    return str(path.absolute())


def _probe_server(executable: str) -> LineWorker:
    """``_probe.py --serve`` in one interpreter: one request at a time, kept up for the next."""
    source = Path(_probe.__file__)
    return shared_worker([executable, "-c", source.read_text(encoding="utf-8"), "--serve"], cwd=source.anchor)


def _ask_probe_server(executable: str, request: dict[str, Any]) -> dict[str, Any]:
    server = _probe_server(executable)
    with server.lock:
        server.send(request)
        try:
            return server.receive(_PROBE_TIMEOUT_S, prefix=_probe.SENTINEL)
        except WorkerSilent as silent:
            raise ValidationInputError(
                f"{executable}: the contract check ended without an answer ({silent})"
            ) from None


def _ask_contracts(executable: str, request: dict[str, Any]) -> dict[str, Any]:
    """The probe's answer about ``request``'s contracts: from the answers on disk
    (:class:`ContractAnswers`) where there are some, the rest from the import server
    when one is up and answers them well-formed, else from the probe server, which is
    started only then."""
    stored = ContractAnswers.of_this_environment()
    known = {item["id"]: stored.get(item["text"]) for item in request["contracts"]}
    missing = [item for item in request["contracts"] if known[item["id"]] is None]
    rest = {key: value for key, value in request.items() if key != "contracts"}
    served = _ask_import_server(executable, missing) if missing else None
    if served is not None:
        answer = _probe.probe(rest)
        answer["contracts"] = served
        for item in missing:
            stored.put(item["text"], served[item["id"]])
    elif missing:
        answer = _ask_probe_server(executable, {**request, "contracts": missing})
        if not answer.get("environment_error"):
            for item in missing:
                stored.put(item["text"], answer["contracts"][item["id"]])
    else:
        answer = _probe.probe(rest)
    answer["contracts"] = {**answer.get("contracts", {}), **{key: value for key, value in known.items() if value}}
    return answer


def _ask_import_server(executable: str, contracts: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The probe's answers about ``contracts`` from the import server of ``executable``'s
    environment (the key is checked by the server); None when none is up or enabled, or
    its reply is not the probe's answer to each of them (refused, silent, garbled, a
    child that died, or a problem with the environment): the probe server answers then."""
    from codegen_ast.validate.import_check import import_server_of

    server = import_server_of(executable)
    asked = server.ask_probe({"contracts": contracts}) if server is not None else None
    reply = asked.reply() if asked is not None else None
    if reply is None or reply.get("environment_error") is not None:
        return None
    answers = reply.get("contracts")
    if not isinstance(answers, dict) or set(answers) != {item["id"] for item in contracts}:
        return None
    return answers if all(_probe_shaped(answer) for answer in answers.values()) else None


def _probe_shaped(answer: object) -> bool:
    """Whether ``answer`` has the shape of the probe's answer about one contract."""
    if not isinstance(answer, dict):
        return False
    yaml_error = answer.get("yaml_error")
    return (
        answer.get("kind") in (None, *_probe.CONTRACT_KINDS)
        and isinstance(answer.get("loaded"), bool)
        and (yaml_error is None or (isinstance(yaml_error, dict) and isinstance(yaml_error.get("line"), int)
                                    and isinstance(yaml_error.get("message"), str)))
        and isinstance(answer.get("errors"), list)
        and all(isinstance(error, dict) and isinstance(error.get("loc"), list) and isinstance(error.get("msg"), str)
                and isinstance(error.get("type"), str) for error in answer["errors"])
        and all(isinstance(answer.get(key), list) and all(isinstance(item, str) for item in answer[key])
                for key in ("warnings", "set_aside", "model_keys"))
    )


class ContractAnswers:
    """What the framework's contract models said about a contract text, kept on disk.

    A fresh ``codegen-ast`` process would otherwise start a probe server and import
    most of omnibase-core (about a second) to check a contract it has checked
    before. One folder per environment: ``codegen-ast/contracts/<key>`` in the
    user's cache folder, ``<key>`` a digest of this interpreter, the versions of
    omnibase-core, pydantic, pydantic-core and PyYAML, and the probe's own source;
    one JSON file per contract, named by the SHA-256 of its text. A file that
    cannot be read or written is ignored (the probe server answers).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def of_this_environment(cls) -> ContractAnswers:
        global _ANSWERS
        if _ANSWERS is None:
            import hashlib

            import platformdirs

            parts = [os.path.abspath(sys.executable), *(_version(name) for name in _KEY_DISTRIBUTIONS),
                     hashlib.sha256(Path(_probe.__file__).read_bytes()).hexdigest()]
            key = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]
            _ANSWERS = cls(Path(platformdirs.user_cache_dir("codegen-ast", appauthor=False)) / "contracts" / key)
        return _ANSWERS

    def _file(self, text: str) -> Path:
        import hashlib

        return self.folder / f"{hashlib.sha256(text.encode()).hexdigest()}.json"

    def get(self, text: str) -> dict[str, Any] | None:
        try:
            answer = json.loads(self._file(text).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return answer if isinstance(answer, dict) else None

    def put(self, text: str, answer: dict[str, Any]) -> None:
        from codegen_ast.validate.parsed import write_json

        write_json(self._file(text), answer)

    def empty(self) -> bool:
        try:
            return not any(self.folder.glob("*.json"))
        except OSError:
            return True


_KEY_DISTRIBUTIONS = ("omnibase-core", "pydantic", "pydantic-core", "PyYAML")
_ANSWERS: ContractAnswers | None = None


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{distribution}=={version(distribution)}"
    except PackageNotFoundError:
        return f"{distribution} absent"


def prewarm(python: str | Path | None = None, command_line: list[str] | None = None) -> None:
    """Start now, in the target interpreter, what validation will ask, so that the
    framework is imported there while this process works: the import check's worker
    (unless ``command_line`` ran before with every import answered: see
    :func:`codegen_ast.validate.import_check.prewarm_import`), and the probe server
    when no contract answer is on disk yet and no import server is up (a contract
    checked before is answered from disk, one that is not by the import server when
    it is up: then no probe server starts at all)."""
    try:
        target = TargetPython(python)
    except ValidationInputError:
        return  # validation says what is wrong with --python
    from codegen_ast.validate.import_check import prewarm_import

    prewarm_import(target.executable, command_line)
    if target.in_process and ContractAnswers.of_this_environment().empty():
        from codegen_ast.validate.import_check import import_server_of

        server = import_server_of(target.executable)
        if server is None or not server.up():  # an import server up answers the contracts too
            _probe_server(target.executable).start()
