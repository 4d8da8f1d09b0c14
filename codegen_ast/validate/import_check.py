"""A package built in memory is imported before it is written (rule IMP003).

The static stages prove much, but not that the module bodies run: a class body
that evaluates an annotation to ``None | None``, a name bound twice, a pydantic
model the framework refuses. So at every validation level but ``none``, the
package is imported, with every module below it but its tests, in the target
Python — in a worker process (:mod:`codegen_ast.validate._import_worker`) that
stays up for the next package: a batch pays the framework's import once. The
request is sent before the other stages run and answered after them, so on two
cores the import costs little wall time.
"""

from __future__ import annotations

from pathlib import Path

from codegen_ast.target import CONTRACTS_PACKAGE, FRAMEWORK_PACKAGE
from codegen_ast.validate import _import_worker
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


def prewarm_import(executable: str) -> None:
    """Start the import worker of ``executable`` now: it loads the framework while this process works."""
    _worker(executable).start()


# What the worker imports as it starts: what every generated package imports first.
_PRELOAD = (f"{FRAMEWORK_PACKAGE}.nodes", CONTRACTS_PACKAGE)


def _worker(executable: str) -> LineWorker:
    script = Path(_import_worker.__file__)
    return shared_worker([executable, str(script), *_PRELOAD], cwd=script.anchor)


class PendingImport:
    """An import asked of the worker; :meth:`findings` waits for its answer."""

    def __init__(self, executable: str, root: Path, package: str) -> None:
        self.worker = _worker(executable)
        self.package = package
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
        if answer.get("error") is None:
            return []
        file = str(answer.get("file") or f"{self.package}/__init__.py")  # relative to the staging folder
        return [IMPORT_FAILS.finding(file, int(answer.get("line") or 1), f"importing it fails: {answer['error']}")]


def start_import(executable: str, root: Path, package: str) -> PendingImport:
    """Ask the worker of ``executable`` to import ``root/package``; collect with ``.findings()``."""
    return PendingImport(executable, root, package)
