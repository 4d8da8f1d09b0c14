"""Stage 6, types: ``mypy --strict`` against the target environment.

mypy runs through its daemon when one is up, else in this process
(:mod:`codegen_ast.validate.mypy_daemon`), with a persistent cache
directory (:func:`default_cache_dir`: ``MYPY_CACHE_DIR`` when it is set, else a
per-user cache folder keyed by this interpreter and the target's, never the
current folder), and on
every package of the run in a single call: mypy's cost is dominated by following
omnibase-core (~2,900 modules), which one call pays once. Only when two packages
share a top-level name (mypy refuses duplicate module names in one call) are
they split over the fewest calls that keep names unique. When the target Python
is not this one, mypy is pointed at it with ``--python-executable``.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from pathlib import Path

import platformdirs

from codegen_ast.support import PACKAGE as SUPPORT_PACKAGE
from codegen_ast.validate import mypy_daemon
from codegen_ast.validate.modules import package_parts
from codegen_ast.validate.rules import Finding, Rule
from codegen_ast.validate.source import SourceFile, ValidationInputError, Workspace
from codegen_ast.validate.target_env import TargetPython


def default_cache_dir(target: TargetPython | None = None) -> Path:
    """``MYPY_CACHE_DIR`` when set (as mypy reads it), else ``codegen-ast/mypy/<key>`` in
    the user's cache folder, never the current one.

    ``<key>`` (:func:`environment_key`) names this interpreter and the target's, so
    two environments (another virtualenv, another omnibase-core) never share a cache.
    """
    chosen = os.environ.get("MYPY_CACHE_DIR")
    if chosen:
        return Path(chosen).expanduser()
    executable = target.executable if target is not None else sys.executable
    return Path(platformdirs.user_cache_dir("codegen-ast", appauthor=False)) / "mypy" / environment_key(executable)


def environment_key(target_executable: str) -> str:
    """A short digest of this interpreter and the target interpreter (their absolute paths)."""
    pair = f"{os.path.abspath(sys.executable)}\0{os.path.abspath(target_executable)}"
    return hashlib.sha256(pair.encode()).hexdigest()[:16]


TYPE_ERROR = Rule(
    "TYP001", "types", "error",
    "mypy --strict reports a type error",
    "correct the types; the [code] in the message is explained at "
    "https://mypy.readthedocs.io/en/stable/error_code_list.html",
)
RULES = (TYPE_ERROR,)

_LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>-?\d+):(?:(?P<column>-?\d+):)? (?P<severity>error|note): "
    r"(?P<message>.*?)(?:  \[(?P<code>[a-z0-9-]+)\])?$"
)
_FLAGS = (
    "--strict",
    "--show-absolute-path",
    "--show-column-numbers",
    "--show-error-codes",
    "--no-pretty",
    "--hide-error-context",
    "--no-error-summary",
    "--no-color-output",
)

Unit = tuple[Path, str]  # (folder holding it, top-level package or module name)


def _unit(path: Path) -> Unit:
    root, parts = package_parts(path)
    return root, parts[0] if parts else path.stem


def partition(sources: list[SourceFile]) -> list[list[SourceFile]]:
    """Groups of files in which no two packages share a top-level name."""
    units: dict[Unit, list[SourceFile]] = {}
    for source in sources:
        units.setdefault(_unit(source.path), []).append(source)
    groups: list[tuple[set[str], list[SourceFile]]] = []
    for (root, name), members in sorted(units.items(), key=lambda item: (item[0][1], str(item[0][0]))):
        for names, group in groups:
            if name not in names:
                names.add(name)
                group.extend(members)
                break
        else:
            groups.append(({name}, list(members)))
    return [group for _, group in groups]


def mypy_flags(target: TargetPython, cache_dir: Path) -> list[str]:
    flags = [*_FLAGS, "--cache-dir", str(cache_dir)]
    if not target.in_process:
        major, minor = target.version
        flags += ["--python-executable", target.executable, "--python-version", f"{major}.{minor}"]
    return flags


def mypy_arguments(files: list[Path], target: TargetPython, cache_dir: Path) -> list[str]:
    return mypy_flags(target, cache_dir) + [str(path) for path in files]


def check_types(workspace: Workspace, target: TargetPython, cache_dir: Path | None = None) -> list[Finding]:
    cache = (cache_dir or default_cache_dir(target)).absolute()
    broken = {_unit(source.path) for source in workspace.sources if not source.ok}
    checkable = [source for source in workspace.sources if source.ok and _unit(source.path) not in broken]
    findings: list[Finding] = []
    for group in partition(checkable):
        findings += _run(group, target, cache)
    return findings


def not_reported_before(found: list[Finding], earlier: list[Finding]) -> list[Finding]:
    """mypy's findings less its ``import-not-found`` on an import the imports stage
    already reports as coming from the node's own project, not installed in the
    target (IMP004, a warning): the environment lacks the project, and one finding
    says so; mypy's would repeat it as an error."""
    reported = {(finding.file, finding.line) for finding in earlier if finding.rule == "IMP004"}
    return [
        finding for finding in found
        if not ((finding.file, finding.line) in reported and "[import-not-found]" in finding.message)
    ]


def _module_path(path: Path) -> str:
    """``pkg/sub/mod.py`` relative to the folder holding its top-level package."""
    root, _ = package_parts(path)
    return path.relative_to(root).as_posix()


def _support_beside(group: list[SourceFile]) -> list[str]:
    """The files of an ``onex_support`` package beside the checked packages (a declarative
    package's shared neighbour, staged with it) when none of them is checked already.

    Named to mypy rather than followed from the imports: mypy's daemon keeps what it
    followed, and crashed (``KeyError: 'onex_support.handlers'``) on the next check once
    the staging folder it had followed them in was gone. Its findings are not reported
    (it is nobody's file here); it passes ``mypy --strict`` as shipped."""
    checked = {source.path for source in group}
    files: set[Path] = set()
    for root in {_unit(source.path)[0] for source in group}:
        support = root / SUPPORT_PACKAGE
        if (support / "__init__.py").is_file():
            found = set(support.rglob("*.py"))
            if not found & checked:
                files |= found
    return [str(path) for path in sorted(files)]


def _run(group: list[SourceFile], target: TargetPython, cache: Path) -> list[Finding]:
    by_path = {source.path: source for source in group}
    # mypy replays the errors of a module its cache finds unchanged under the
    # path it had when first checked (another temporary folder, say): match
    # those by their path inside the package, which is unique within a group.
    by_module = {_module_path(source.path): source for source in group}

    def source_of(reported: str) -> SourceFile | None:
        path = Path(reported).absolute()
        if path in by_path:
            return by_path[path]
        parts = path.parts
        for start in range(len(parts)):
            found = by_module.get("/".join(parts[start:]))
            if found is not None:
                return found
        return None

    stdout, stderr, status = mypy_daemon.run(
        mypy_flags(target, cache), [str(path) for path in sorted(by_path)] + _support_beside(group), cache
    )
    findings: list[Finding] = []
    parsed = 0
    last: tuple[SourceFile, int, int | None, str, str | None] | None = None
    notes: list[str] = []

    def flush() -> None:
        if last is not None:
            source, line, column, message, code = last
            text = message + (f"  [{code}]" if code else "")
            if notes:
                text += " (" + "; ".join(notes) + ")"
            findings.append(TYPE_ERROR.finding(source.display, line, text, column=column))

    for raw in stdout.splitlines():
        match = _LINE.match(raw)
        if match is None:
            continue
        parsed += 1
        source = source_of(match["file"])
        if match["severity"] == "note":
            if last is not None and source is last[0]:
                notes.append(match["message"])
            continue
        flush()
        notes = []
        last = None
        if source is None:
            continue  # an error in a module mypy followed but nobody asked about
        column = int(match["column"]) if match["column"] and int(match["column"]) > 0 else None
        last = (source, max(int(match["line"]), 1), column, match["message"], match["code"])
    flush()
    if status == 2 and not findings:
        detail = (stderr.strip() or stdout.strip()).splitlines()
        raise ValidationInputError(f"mypy could not check the files: {detail[-1] if detail else 'no output'}")
    if status == 1 and not findings:
        # errors were found but none belongs to a checked file: never report that as a pass
        raise ValidationInputError(f"mypy reported errors outside the checked files: {stdout.strip()[-300:]}")
    return findings
