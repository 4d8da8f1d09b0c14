"""The pattern registry: one record per pattern, each with an example, tests,
and a build that some golden case or example really uses.

The last test adds a pattern the way docs/architecture.md says (its own record,
one registry line) and shows that select, generate, the contract and the
package's tests take it up with no other change.
"""

from __future__ import annotations

import ast
import textwrap
from functools import cache
from pathlib import Path
from typing import cast

import libcst as cst
import pytest

from codegen_ast import builders as b
from codegen_ast.decisions import Selection
from codegen_ast.files.contract import contract_data
from codegen_ast.generate import generate, node_context
from codegen_ast.patterns import registry
from codegen_ast.patterns import idioms
from codegen_ast.patterns.contribution import Contribution, GeneratedTests, NodeContext
from codegen_ast.patterns.record import Earlier, Example, Pattern, PatternName
from codegen_ast.patterns.registry import REGISTRY, build_contributions
from codegen_ast.readers import read_node_spec
from codegen_ast.selection import select
from codegen_ast.spec import NodeSpec
from codegen_ast.upgrade import CONCERNS

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "tests" / "cases").glob("*/spec.yaml")) + sorted((ROOT / "examples").glob("*.yaml"))


@cache
def built() -> dict[str, list[tuple[str, Contribution]]]:
    """pattern -> (spec, its contribution) for every golden case and example that selects it."""
    found: dict[str, list[tuple[str, Contribution]]] = {}
    for path in SPECS:
        context = node_context(read_node_spec(path))
        for name, contribution in zip(context.selection.patterns, build_contributions(context), strict=True):
            found.setdefault(name, []).append((path.relative_to(ROOT).as_posix(), contribution))
    return found


@cache
def generated(path: str) -> str:
    """Every file the generator writes for the spec at ``path``, as one text."""
    return "\n".join(generate(read_node_spec(ROOT / path)).files.values())


def test_the_registry_lists_every_pattern_name_once_in_order() -> None:
    assert [pattern.name for pattern in REGISTRY] == list(PatternName)


def test_the_selection_keeps_the_registry_order() -> None:
    order = [pattern.name for pattern in REGISTRY]
    for path in SPECS:
        chosen = select(read_node_spec(path)).patterns
        assert list(chosen) == sorted(chosen, key=order.index), path


@pytest.mark.parametrize("pattern", REGISTRY, ids=[pattern.name.value for pattern in REGISTRY])
def test_every_pattern_has_an_example_whose_after_is_python(pattern: Pattern) -> None:
    assert pattern.summary and pattern.example.before.strip() and pattern.example.after.strip()
    ast.parse("async def example():\n" + textwrap.indent(pattern.example.after, "    "))


@pytest.mark.parametrize("pattern", REGISTRY, ids=[pattern.name.value for pattern in REGISTRY])
def test_every_pattern_names_its_tests(pattern: Pattern) -> None:
    assert pattern.tests
    for test_file in pattern.tests:
        source = (ROOT / test_file).read_text(encoding="utf-8")
        assert "def test_" in source, test_file


@pytest.mark.parametrize("pattern", REGISTRY, ids=[pattern.name.value for pattern in REGISTRY])
def test_every_pattern_is_built_by_a_golden_case_or_an_example(pattern: Pattern) -> None:
    uses = built().get(pattern.name, [])
    assert any(uses_it for _, uses_it in uses), f"{pattern.name}: no golden case or example builds it"


@pytest.mark.parametrize("pattern", REGISTRY, ids=[pattern.name.value for pattern in REGISTRY])
def test_every_example_names_what_the_pattern_generates(pattern: Pattern) -> None:
    """The ``self.<name>`` members and the constants an example's after uses exist in a generated package."""
    tree = ast.parse("async def example():\n" + textwrap.indent(pattern.example.after, "    "))
    names = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"
    }
    names |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id.isupper()}
    packages = [generated(path) for path, contribution in built()[pattern.name] if contribution]
    assert any(all(name in package for name in names) for package in packages), sorted(names)


def test_upgrade_offers_the_upgradable_patterns() -> None:
    assert CONCERNS == ("scaffold", *(pattern.name for pattern in REGISTRY if pattern.upgradable))


# --- adding a pattern ---------------------------------------------------------------


def _applies(spec: NodeSpec, selection: Selection) -> str | None:
    return "the domain mentions quotas" if "quotas" in spec.domain else None


def _build(context: NodeContext, earlier: Earlier) -> Contribution:
    """A rate limiter in miniature: a setting read from the environment, a method, a counter,
    a contract section, a test; the setting and the count through the shared idioms."""
    method = b.method(
        "_take_token",
        [],
        [
            b.if_(b.compare("self._tokens", "<=", b.literal(0)), [idioms.count("METRIC_RATE_LIMITED"), b.return_("False")]),
            b.augment("self._tokens", "-=", b.literal(1)),
            b.return_("True"),
        ],
        returns="bool",
        doc="Take one token; False (and counted) when none is left.",
    )
    test = b.function(
        "test_rate_limit_tokens_run_out",
        [],
        [b.assert_(b.compare(b.call("int", "RATE_LIMIT_TOKENS_DEFAULT"), ">", b.literal(0)))],
        returns="None",
    )
    return Contribution(
        imports={("os", "")},
        module_statements=idioms.setting_constants([idioms.Setting("RATE_LIMIT_TOKENS", "10")]),
        init_statements=[b.assign("self._tokens", b.call("int", idioms.setting("RATE_LIMIT_TOKENS")))],
        methods=[method],
        counters=["rate_limited"],
        contract={"rate_limit": {"tokens": 10}},
        tests=GeneratedTests(tests=[test]),
    )


TOY = Pattern(
    # a real pattern adds its name to PatternName; the registry compares names as text
    name=cast(PatternName, "rate_limit"),
    summary="a token bucket in front of process",
    applies=_applies,
    build=_build,
    example=Example(before="await node.process(request)", after="allowed = self._take_token()"),
    tests=("tests/test_registry.py",),
)


def test_a_new_pattern_needs_its_record_and_one_registry_line(monkeypatch: pytest.MonkeyPatch) -> None:
    at = [pattern.name for pattern in REGISTRY].index(PatternName.LIFECYCLE)
    monkeypatch.setattr(registry, "REGISTRY", (*REGISTRY[:at], TOY, *REGISTRY[at:]))  # the one registry line
    spec = NodeSpec(name="billing", node_type="effect", description="Bills usage.", domain="usage quotas")

    selection = select(spec)
    assert "rate_limit" in selection.patterns
    assert ("pattern", "rate_limit", "the domain mentions quotas") in selection.log
    package = generate(spec)
    node = package.files["node.py"]
    assert "def _take_token(self) -> bool:" in node and 'RATE_LIMIT_TOKENS_DEFAULT = "10"' in node
    assert "self._tokens = int(os.getenv(RATE_LIMIT_TOKENS_ENV, RATE_LIMIT_TOKENS_DEFAULT))" in node
    assert "self.increment_counter(METRIC_RATE_LIMITED)" in node
    assert 'METRIC_RATE_LIMITED = "billing.rate_limited"' in node  # metrics gathers the new counter
    assert "rate_limit:\n  tokens: 10\n" in package.files["contract.yaml"]
    assert "def test_rate_limit_tokens_run_out() -> None:" in package.files["tests/test_node.py"]
    assert contract_data(node_context(spec))["rate_limit"] == {"tokens": 10}
    cst.parse_module(node)  # still one valid module
