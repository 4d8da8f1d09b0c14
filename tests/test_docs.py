"""Every snippet of the user documentation is executed or checked, and the docs
speak of the project alone.

- ```python blocks run (those that start with ``# file: NAME`` are scripts:
  tests/upgrade/test_library_api.py runs them against a repository);
- ```yaml blocks are read as what they are: a spec, or a pre-commit
  configuration naming our hooks (a fragment of a spec only parses here);
- ```toml blocks are read as settings, ```json blocks parsed (a validation
  report is checked against the report schema).

- ```bash blocks run line by line in a scratch project, with the exit codes and
  outcomes the docs give them: tests/test_doc_commands.py.

A block preceded by ``<!-- not run: REASON -->`` is left out, with its reason
(the test suite itself, the benchmarks, an install into a fresh environment).
Blocks without a language are output shown to the reader, not snippets.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
import yaml

from codegen_ast.config import load_defaults
from codegen_ast.readers import read_spec
from codegen_ast.validate import REPORT_SCHEMA
from tests.conftest import ROOT

# the documentation a user reads (design notes for contributors are not in it)
USER_DOCS = ["README.md", "docs/install.md", "docs/running.md", "docs/library.md", "docs/validation.md",
             "docs/declarations.md", "docs/classification.md", "docs/llm.md", "docs/libraries.md", "docs/contracts.md"]
SKIP = re.compile(r"<!-- not run: (.+?) -->\s*$")
FENCE = re.compile(r"^```(\w*)\s*$")
MINIMAL = {"name": "orders", "node_type": "effect", "description": "Orders."}


@dataclass
class Block:
    doc: str
    line: int
    language: str
    text: str
    skipped: str | None

    @property
    def where(self) -> str:
        return f"{self.doc}:{self.line}"


def blocks() -> list[Block]:
    found = []
    for doc in USER_DOCS:
        lines = (ROOT / doc).read_text(encoding="utf-8").splitlines()
        index = 0
        while index < len(lines):
            opening = FENCE.match(lines[index])
            if opening is None:
                index += 1
                continue
            end = next(i for i in range(index + 1, len(lines)) if lines[i].startswith("```"))
            before = lines[index - 1] if index and SKIP.search(lines[index - 1]) else ""
            skip = SKIP.search(before)
            found.append(Block(doc, index + 1, opening.group(1), "\n".join(lines[index + 1:end]) + "\n",
                               skip.group(1) if skip else None))
            index = end + 1
    return found


ALL = blocks()


def test_the_docs_speak_of_the_project_alone() -> None:
    outside = re.compile(r"\.\./shared|/work/|ONEX_TARGET|DESIGN\.md|\bseed\b|seed's|seed-style")
    docs = [*USER_DOCS, "docs/architecture.md", "benchmarks/README.md"]
    found = [f"{doc}:{number}: {line.strip()}" for doc in docs
             for number, line in enumerate((ROOT / doc).read_text(encoding="utf-8").splitlines(), 1)
             if outside.search(line)]
    assert found == []


def test_every_block_is_of_a_kind_this_test_runs() -> None:
    assert {block.language for block in ALL} <= {"", "bash", "python", "yaml", "toml", "json"}
    skipped = [(block.where, block.skipped) for block in ALL if block.skipped]
    assert len(skipped) <= 6, skipped  # the exceptions stay few, each with its reason


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A user's project: the examples, hand-written nodes under src/nodes."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "examples", root / "examples")
    nodes = root / "src" / "nodes"
    nodes.mkdir(parents=True)
    for case in sorted((ROOT / "tests" / "upgrade" / "corpus").glob("*/input.py"))[:3]:
        shutil.copy(case, nodes / f"node_{case.parent.name}.py")
    (root / "spec.yaml").write_text((ROOT / "examples" / "orders_effect.yaml").read_text())
    return root


PYTHON = [block for block in ALL if block.language == "python" and not block.skipped
          and not block.text.startswith("# file:")]


@pytest.mark.parametrize("block", PYTHON, ids=[block.where for block in PYTHON])
def test_python_snippets_run(block: Block, project: Path) -> None:
    if "out/node_orders_effect" in block.text or 'sys.path.insert(0, "out")' in block.text:
        # it uses the package `codegen-ast new examples/orders_effect.yaml -o out/` wrote (the declarative
        # shape, onex_support beside it)
        from codegen_ast.declarative.generate import generate_declarative

        generate_declarative(read_spec(project / "examples" / "orders_effect.yaml").spec).write(project / "out")
    script = project / f"snippet_{block.line}.py"
    script.write_text(block.text)
    result = subprocess.run([sys.executable, str(script)], cwd=project, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (block.where, result.stdout[-2000:], result.stderr[-2000:])


def _read_spec_text(text: str, tmp_path: Path) -> None:
    """A whole spec is read as `new` reads it; a fragment (a few keys of one) only parses
    as YAML here: the declarations it shows are read whole by the examples' tests."""
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    if "name" in data and "node_type" in data:
        path = tmp_path / "spec.yaml"
        path.write_text(text)
        read_spec(path)


YAML = [block for block in ALL if block.language == "yaml" and not block.skipped]


@pytest.mark.parametrize("block", YAML, ids=[block.where for block in YAML])
def test_yaml_snippets_are_what_they_say(block: Block, tmp_path: Path) -> None:
    data = yaml.safe_load(block.text)
    if isinstance(data, dict) and "repos" in data:  # a pre-commit configuration
        hooks = {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
        named = {hook["id"] for repo in data["repos"] for hook in repo["hooks"]}
        assert named and named <= hooks, block.where
    else:
        _read_spec_text(block.text, tmp_path)


OTHER = [block for block in ALL if block.language in ("toml", "json") and not block.skipped]


@pytest.mark.parametrize("block", OTHER, ids=[block.where for block in OTHER])
def test_toml_and_json_snippets_are_valid(block: Block, tmp_path: Path) -> None:
    if block.language == "toml":
        path = tmp_path / "pyproject.toml"
        path.write_text(block.text)
        assert load_defaults(config=path).source == path.resolve()
        return
    data = json.loads(block.text)
    if isinstance(data, dict) and data.get("schema") == "codegen-ast/validation-report":
        jsonschema.validate(data, REPORT_SCHEMA)


# the distribution each top-level module generated code imports comes from
DISTRIBUTIONS = {"omnibase_core": "omnibase-core", "pydantic": "omnibase-core", "pydantic_core": "omnibase-core",
                 "yaml": "omnibase-core", "asyncpg": "asyncpg", "redis": "redis", "httpx": "httpx",
                 "aiokafka": "aiokafka", "consul": "py-consul", "pytest": "pytest", "pytest_asyncio": "pytest-asyncio"}


def test_the_install_instructions_name_what_exists_and_what_generated_code_imports(tmp_path: Path) -> None:
    import ast
    import tomllib

    from codegen_ast.declarative.generate import generate_declarative
    from codegen_ast.generate import generate
    from codegen_ast.spec import DEPENDENCIES, NodeSpec
    from codegen_ast.target import FRAMEWORK_VERSION

    install = (ROOT / "docs" / "install.md").read_text()
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    named = set(re.findall(r"codegen-ast\[(\w+)\]", install))
    assert named and named <= set(extras)
    assert f"omnibase-core=={FRAMEWORK_VERSION}" in extras["onex"] and f"omnibase-core=={FRAMEWORK_VERSION}" in install
    imported: set[str] = set()
    # onex_support, written beside every declarative package, and the packages of both shapes
    sources = [path.read_text() for path in sorted((ROOT / "codegen_ast" / "support" / "onex_support").rglob("*.py"))]
    for dependency in DEPENDENCIES:
        spec = NodeSpec.model_validate({**MINIMAL, "dependencies": [dependency]})
        for package in (generate(spec), generate_declarative(spec)):
            sources += [text for name, text in package.files.items() if name.endswith(".py")]
    for text in sources:
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {module for module in imported if module not in sys.stdlib_module_names} - {"onex_support"}
    assert third_party <= set(DISTRIBUTIONS), third_party - set(DISTRIBUTIONS)
    assert all(f"`{DISTRIBUTIONS[module]}" in install for module in third_party)
