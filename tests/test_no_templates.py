"""DESIGN.md's rule, enforced on codegen_ast's own source: no text templates.

User text may enter a generated tree only as a literal node or a validated
identifier, never through a parser; only constant, data-free annotations may be
parsed. Each check below scans a package folder with ``ast`` and returns one
``file:line: message`` per violation. The checks run on codegen_ast itself, and on
small synthetic packages in tmp_path to prove each one can fail.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from textwrap import dedent

import pytest

import codegen_ast

PACKAGE = Path(codegen_ast.__file__).resolve().parent

LIBCST_PARSERS = frozenset({"parse_module", "parse_statement", "parse_expression"})
# The one place allowed to parse: (file relative to the package, enclosing function).
PARSER_HOME = ("builders/expressions.py", "annotation")
# Constant code: the modules of codegen_ast/support/, read whole and parsed here only.
CONSTANT_CODE_HOME = ("builders/support.py", "_parsed")
SUPPORT_LOOKUPS = frozenset({"function", "class_", "method", "statement"})
# Modules that read code already on disk (the user's files, or what we wrote
# before) may parse it whole with parse_module; that is not source assembly.
EXISTING_CODE_READERS = ("regenerate/", "upgrade/", "validate/")
# A language model's answer is code, not spec text: its one reader parses it whole
# to check it as a method body and splice the tree (never the text).
MODEL_ANSWER_READER = ("fill/answer.py", "parse_body")
# The fill reads a package's generated test module (code we wrote) to leave out whole
# test functions of the hooks a model's body replaced; it assembles nothing.
GENERATED_TESTS_READER = ("fill/check.py", "without_hook_tests")
# libcst nodes whose constructor takes raw source text.
RAW_SOURCE_NODES = frozenset({"SimpleString", "Name", "Integer", "Float", "Imaginary", "FormattedStringText"})
BUILDERS = "builders/"
# Functions that run or format source text; the last three are codegen_ast.emit's.
SOURCE_SINKS = frozenset({"exec", "eval", "compile", "format_str", "format_source", "format_sources", "Formatting"})
FORMATTERS = frozenset({"format_str", "format_source", "format_sources", "Formatting"})
PARSE_TEMPLATE = re.compile(r"parse_?template", re.IGNORECASE)


@dataclass
class Source:
    path: Path
    relative: str  # posix path below the scanned package, e.g. "builders/literals.py"
    display: str  # what messages print, e.g. "codegen_ast/builders/literals.py"
    tree: ast.Module
    parents: dict[ast.AST, ast.AST] = field(default_factory=dict)

    def where(self, node: ast.AST, message: str) -> str:
        return f"{self.display}:{getattr(node, 'lineno', 0)}: {message}"

    def enclosing_function(self, node: ast.AST) -> str | None:
        current: ast.AST | None = self.parents.get(node)
        while current is not None:
            if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef):
                return current.name
            current = self.parents.get(current)
        return None

    def libcst_aliases(self) -> tuple[set[str], dict[str, str]]:
        """Names bound to the libcst module, and names imported from it (alias -> name)."""
        modules: set[str] = set()
        members: dict[str, str] = {}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "libcst":
                        modules.add(alias.asname or "libcst")
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "libcst":
                for alias in node.names:
                    members[alias.asname or alias.name] = alias.name
        return modules, members


def load_package(root: Path) -> list[Source]:
    sources = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text, str(path))
        parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
        relative = path.relative_to(root).as_posix()
        sources.append(Source(path, relative, f"{root.name}/{relative}", tree, parents))
    return sources


def called_name(call: ast.Call) -> str | None:
    """``f(...)`` -> "f", ``a.b.f(...)`` -> "f"."""
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def calls(source: Source) -> Iterator[ast.Call]:
    return (node for node in ast.walk(source.tree) if isinstance(node, ast.Call))


# --- the checks ---------------------------------------------------------------------


def check_no_parse_template(sources: list[Source]) -> list[str]:
    """(a) Nothing is named like parse_template*."""
    found = []
    for source in sources:
        for node in ast.walk(source.tree):
            names: list[str] = []
            if isinstance(node, ast.Name):
                names = [node.id]
            elif isinstance(node, ast.Attribute):
                names = [node.attr]
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names = [node.name]
            elif isinstance(node, ast.arg):
                names = [node.arg]
            elif isinstance(node, ast.keyword) and node.arg:
                names = [node.arg]
            elif isinstance(node, ast.alias):
                names = [*node.name.split("."), node.asname or ""]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = node.module.split(".")
            elif isinstance(node, ast.Global | ast.Nonlocal):
                names = list(node.names)
            for name in names:
                if PARSE_TEMPLATE.search(name):
                    found.append(
                        source.where(node, f"{name!r} is a text-template parser (DESIGN.md forbids them)")
                    )
    return found


def check_parsers_only_in_annotation(sources: list[Source]) -> list[str]:
    """(b) libcst's parse_module/parse_statement/parse_expression are used only in
    builders/expressions.py's ``annotation``."""
    found = []
    home_file, home_function = PARSER_HOME
    for source in sources:
        for node in ast.walk(source.tree):
            if isinstance(node, ast.Name):
                name = node.id
            elif isinstance(node, ast.Attribute):
                name = node.attr
            elif isinstance(node, ast.alias):
                name = node.name.split(".")[-1]
            else:
                continue
            if name not in LIBCST_PARSERS:
                continue
            if source.relative == home_file and source.enclosing_function(node) == home_function:
                continue
            if name == "parse_module" and (source.relative, source.enclosing_function(node)) == CONSTANT_CODE_HOME:
                continue  # check (g) polices what it parses
            if name == "parse_module" and source.relative.startswith(EXISTING_CODE_READERS):
                continue
            if name == "parse_module" and (source.relative, source.enclosing_function(node)) in (
                MODEL_ANSWER_READER, GENERATED_TESTS_READER
            ):
                continue
            found.append(
                source.where(
                    node, f"{name} outside {home_file}:{home_function}(); build the tree with builders"
                )
            )
    return found


def check_annotation_arguments(sources: list[Source]) -> list[str]:
    """(c) annotation(...) is always given one constant string literal."""
    found = []
    for source in sources:
        aliases = {"annotation"}
        for node in ast.walk(source.tree):
            if isinstance(node, ast.ImportFrom):
                aliases |= {
                    alias.asname for alias in node.names if alias.name == "annotation" and alias.asname
                }
        for call in calls(source):
            is_annotation = (isinstance(call.func, ast.Name) and call.func.id in aliases) or (
                isinstance(call.func, ast.Attribute) and call.func.attr == "annotation"
            )
            if not is_annotation:
                continue
            constant = (
                len(call.args) == 1
                and not call.keywords
                and isinstance(call.args[0], ast.Constant)
                and isinstance(call.args[0].value, str)
            )
            if not constant:
                argument = ", ".join(ast.unparse(arg) for arg in [*call.args, *call.keywords])
                found.append(
                    source.where(call, f"annotation({argument}) is not given one constant string literal")
                )
    return found


def check_raw_source_nodes_only_in_builders(sources: list[Source]) -> list[str]:
    """(d) libcst nodes built from raw source text are made only in builders/."""
    found = []
    for source in sources:
        if source.relative.startswith(BUILDERS):
            continue
        modules, members = source.libcst_aliases()
        for call in calls(source):
            func = call.func
            node_name = None
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id in modules
            ):
                node_name = func.attr
            elif isinstance(func, ast.Name) and func.id in members:
                node_name = members[func.id]
            if node_name in RAW_SOURCE_NODES:
                found.append(
                    source.where(
                        call,
                        f"libcst.{node_name}(...) outside builders/: use a builder (b.name, b.literal, ...)",
                    )
                )
    return found


def _is_formatted_text(node: ast.expr) -> bool:
    """An f-string, %-formatting, .format(), "".join() or concatenation with text."""
    if isinstance(node, ast.JoinedStr):
        return True
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"format", "join"}
    ):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return any(
            (isinstance(side, ast.Constant) and isinstance(side.value, str)) or _is_formatted_text(side)
            for side in (node.left, node.right)
        )
    return False


def check_no_formatted_source_to_sinks(sources: list[Source]) -> list[str]:
    """(e) No assembled text reaches exec/eval/compile/black.format_str; black formats
    only a rendered tree (emit.py's ``format_source(tree.code)``) or a name holding one."""
    found = []
    for source in sources:
        for call in calls(source):
            sink = called_name(call)
            if sink not in SOURCE_SINKS:
                continue
            if sink in {"exec", "eval", "compile"} and not isinstance(call.func, ast.Name):
                continue  # re.compile(...), str.format_map, ...: not a code sink
            arguments = [
                *call.args[:1],
                *(kw.value for kw in call.keywords if kw.arg in {"source", "src_contents"}),
            ]
            for argument in arguments:
                if _is_formatted_text(argument):
                    found.append(
                        source.where(call, f"{sink}() is given assembled text: {ast.unparse(argument)}")
                    )
                elif sink in FORMATTERS and not isinstance(argument, ast.Name | ast.Attribute):
                    found.append(
                        source.where(
                            call, f"{sink}() formats {ast.unparse(argument)}, not a rendered tree's code"
                        )
                    )
    return found


def check_no_template_engines(sources: list[Source]) -> list[str]:
    """(f) Neither jinja2 nor string.Template is imported."""
    found = []
    for source in sources:
        string_modules: set[str] = set()
        for node in ast.walk(source.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    top = alias.name.split(".")[0]
                    if top == "jinja2":
                        found.append(source.where(node, "imports jinja2: build trees, not templates"))
                    if alias.name == "string":
                        string_modules.add(alias.asname or "string")
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if module.split(".")[0] == "jinja2":
                    found.append(source.where(node, "imports jinja2: build trees, not templates"))
                if module == "string" and any(alias.name in {"Template", "*"} for alias in node.names):
                    found.append(source.where(node, "imports string.Template: build trees, not templates"))
            elif isinstance(node, ast.Call) and called_name(node) in {"import_module", "__import__"}:
                if (
                    node.args
                    and isinstance(node.args[0], ast.Constant)
                    and str(node.args[0].value).split(".")[0] in {"jinja2"}
                ):
                    found.append(source.where(node, "imports jinja2 dynamically: build trees, not templates"))
        for node in ast.walk(source.tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "Template"
                and isinstance(node.value, ast.Name)
                and node.value.id in string_modules
            ):
                found.append(source.where(node, "uses string.Template: build trees, not templates"))
    return found


def check_constant_code_comes_from_support_files(sources: list[Source]) -> list[str]:
    """(g) Constant code is parsed only from a whole file read from disk (a module of
    codegen_ast/support/), and taken from it only by a SupportModule member."""
    found = []
    for source in sources:
        for call in calls(source):
            name = called_name(call)
            at_home = (source.relative, source.enclosing_function(call)) == CONSTANT_CODE_HOME
            if name == "parse_module" and at_home:
                argument = call.args[0] if call.args else None
                read = isinstance(argument, ast.Call) and called_name(argument) == "read_text"
                if not read:
                    found.append(source.where(call, "constant code must be parsed from a file read whole"))
            if (
                name in SUPPORT_LOOKUPS
                and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name)
                and call.func.value.id == "support"
            ):
                module = call.args[0] if call.args else None
                named = (
                    isinstance(module, ast.Attribute)
                    and isinstance(module.value, ast.Name)
                    and module.value.id == "SupportModule"
                )
                if not named:
                    found.append(source.where(call, "support code is named by a SupportModule member"))
    return found


CHECKS: dict[str, Callable[[list[Source]], list[str]]] = {
    "a_no_parse_template": check_no_parse_template,
    "b_parsers_only_in_annotation": check_parsers_only_in_annotation,
    "c_annotation_gets_a_constant": check_annotation_arguments,
    "d_raw_source_nodes_only_in_builders": check_raw_source_nodes_only_in_builders,
    "e_no_formatted_source_to_sinks": check_no_formatted_source_to_sinks,
    "f_no_template_engines": check_no_template_engines,
    "g_constant_code_from_support_files": check_constant_code_comes_from_support_files,
}


# --- codegen_ast obeys the rule -------------------------------------------------------


@pytest.fixture(scope="module")
def package_sources() -> list[Source]:
    return load_package(PACKAGE)


@pytest.mark.parametrize("check", CHECKS)
def test_codegen_ast_obeys(check: str, package_sources: list[Source]) -> None:
    violations = CHECKS[check](package_sources)
    assert not violations, "\n".join(violations)


def test_the_scan_sees_the_whole_package(package_sources: list[Source]) -> None:
    """Guard against a vacuous pass: the scanner finds the files and the calls it polices."""
    relatives = {source.relative for source in package_sources}
    assert {"emit.py", "builders/expressions.py", "builders/literals.py", "cli.py"} <= relatives
    assert any(path.startswith("patterns/") for path in relatives)
    annotation_calls = [
        call
        for source in package_sources
        for call in calls(source)
        if isinstance(call.func, ast.Attribute) and call.func.attr == "annotation"
    ]
    assert len(annotation_calls) >= 5
    home = next(source for source in package_sources if source.relative == PARSER_HOME[0])
    parses = [call for call in calls(home) if called_name(call) in LIBCST_PARSERS]
    assert [home.enclosing_function(call) for call in parses] == [PARSER_HOME[1]]
    emit = next(source for source in package_sources if source.relative == "emit.py")
    assert "format_str" in {called_name(call) for call in calls(emit)}


# --- each check can fail ----------------------------------------------------------------

# check -> files of a synthetic package: relative path -> (source, lines the check must report)
OFFENDERS: dict[str, dict[str, tuple[str, list[int]]]] = {
    "a_no_parse_template": {
        "patterns/offender.py": (
            """\
            from codegen_ast.text import parse_template_module

            def parse_template_class(source):
                return parse_template_module(source)

            def fine(node):
                return node.ParseTemplate
            """,
            [1, 3, 4, 7],
        ),
    },
    "b_parsers_only_in_annotation": {
        "patterns/offender.py": (
            """\
            import libcst as cst
            from libcst import parse_module

            def build(name):
                return cst.parse_statement(name + " = 1")

            PARSER = cst.parse_expression
            """,
            [2, 5, 7],
        ),
        "builders/expressions.py": (
            """\
            import libcst as cst

            def annotation(text):
                return cst.parse_expression(text)

            def not_annotation(text):
                return cst.parse_expression(text)
            """,
            [7],
        ),
    },
    "c_annotation_gets_a_constant": {
        "patterns/offender.py": (
            """\
            from codegen_ast import builders as b
            from codegen_ast.builders.expressions import annotation as ann

            def build(type_name, spec):
                b.annotation(f"list[{type_name}]")
                b.annotation(type_name)
                b.annotation("list[" + type_name + "]")
                b.annotation("dict[str, %s]" % type_name)
                ann(spec.type)
                b.annotation(text="int")
                return b.annotation("int")
            """,
            [5, 6, 7, 8, 9, 10],
        ),
    },
    "d_raw_source_nodes_only_in_builders": {
        "patterns/offender.py": (
            """\
            import libcst
            import libcst as cst
            from libcst import SimpleString as S, Integer

            def build(spec):
                cst.Name(spec.name)
                libcst.SimpleString('"' + spec.description + '"')
                S(repr(spec.description))
                cst.Float("1.0")
                Integer(str(spec.count))
                cst.Imaginary("1j")
                return cst.FormattedStringText(spec.description)
            """,
            [6, 7, 8, 9, 10, 11, 12],
        ),
    },
    "e_no_formatted_source_to_sinks": {
        "validate/offender.py": (
            """\
            import black

            def run(name, value, parts):
                exec(f"{name} = {value!r}")
                eval("%s + 1" % name)
                compile("x = {}".format(value), "<x>", "exec")
                black.format_str("def " + name + "(): ...", mode=black.Mode())
                black.format_str(src_contents="\\n".join(parts), mode=black.Mode())
                return black.format_str(render(name), mode=black.Mode())
            """,
            [4, 5, 6, 7, 8, 9],
        ),
    },
    "f_no_template_engines": {
        "files/offender.py": (
            """\
            import jinja2
            from jinja2.sandbox import SandboxedEnvironment
            from string import Template
            import string as text_tools
            import importlib

            ENGINE = importlib.import_module("jinja2")
            NODE = text_tools.Template("class $name: ...")
            """,
            [1, 2, 3, 7, 8],
        ),
    },
}

OFFENDERS["g_constant_code_from_support_files"] = {
    "builders/support.py": (
        """\
        import libcst as cst

        def _parsed(module, spec):
            cst.parse_module(f"def {spec.name}(): ...")
            return cst.parse_module(SOURCES[module])
        """,
        [4, 5],
    ),
    "patterns/offender.py": (
        """\
        from codegen_ast.builders import support

        def build(context):
            return support.function(context.spec.name, "run"), support.method("saga", "Node", "run")
        """,
        [4],
    ),
}

# Everything the checks must allow: the real codebase's idioms, in a synthetic package.
ALLOWED = {
    "builders/support.py": """\
        import libcst as cst

        def _parsed(module):
            return cst.parse_module((SUPPORT / f"{module.value}.py").read_text(encoding="utf-8"))
        """,
    "patterns/saga.py": """\
        from codegen_ast.builders import support
        from codegen_ast.builders.support import SupportModule

        def build():
            return support.function(SupportModule.SAGA, "_workflow_stages")
        """,
    "builders/expressions.py": """\
        import libcst as cst

        def name(identifier):
            return cst.Name(identifier)

        def annotation(text):
            return cst.parse_expression(text)
        """,
    "builders/literals.py": """\
        import libcst as cst

        def string_literal(text):
            return cst.SimpleString('"' + text + '"')
        """,
    "emit.py": """\
        import black

        def format_source(source):
            return black.format_str(source, mode=black.Mode())

        def emit(tree):
            return format_source(tree.code)
        """,
    "patterns/health.py": """\
        import re
        import string
        import libcst as cst
        from codegen_ast import builders as b

        WORD = re.compile(r"[a-z]+" + "_?")
        LETTERS = string.ascii_letters

        def build(node):
            if isinstance(node, cst.Name):
                return b.annotation("list[ModelHealthStatus]")
            return cst.Annotation(b.annotation("int")), cst.Param(b.name("self"))
        """,
    "validate/syntax.py": """\
        def check(source):
            compile(source.text, str(source.path), "exec", dont_inherit=True)
            return "{} errors".format(0), "%d errors" % 0
        """,
}


def write_package(root: Path, files: dict[str, str]) -> list[Source]:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text), encoding="utf-8")
    return load_package(root)


@pytest.mark.parametrize("check", CHECKS)
def test_check_reports_each_offence_with_file_and_line(check: str, tmp_path: Path) -> None:
    offenders = OFFENDERS[check]
    sources = write_package(tmp_path / "pkg", {path: text for path, (text, _) in offenders.items()})

    violations = CHECKS[check](sources)

    expected = sorted(f"pkg/{path}:{line}" for path, (_, lines) in offenders.items() for line in lines)
    reported = sorted(":".join(violation.split(":")[:2]) for violation in violations)
    assert sorted(set(reported)) == expected, "\n".join(violations)


@pytest.mark.parametrize("check", CHECKS)
def test_check_allows_the_legitimate_idioms(check: str, tmp_path: Path) -> None:
    violations = CHECKS[check](write_package(tmp_path / "pkg", ALLOWED))
    assert not violations, "\n".join(violations)


def test_check_messages_name_file_and_line(tmp_path: Path) -> None:
    sources = write_package(tmp_path / "pkg", {"files/bad.py": "import jinja2\n"})
    assert check_no_template_engines(sources) == [
        "pkg/files/bad.py:1: imports jinja2: build trees, not templates"
    ]
