"""Every rule's own examples (Fixit style): each invalid example yields exactly that
rule, each valid one nothing. Plus the rule catalogue and the framework facts the
structure stage relies on."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from codegen_ast.validate import RULES, STAGES, Rule
from codegen_ast.validate.completeness import check_completeness
from codegen_ast.validate.import_check import BUILT_PACKAGES_ONLY
from codegen_ast.validate.imports import check_imports
from codegen_ast.validate.modules import ModuleIndex
from codegen_ast.validate.nodes import FRAMEWORK_KIND, FRAMEWORK_MIXINS
from codegen_ast.validate.security import check_security, looks_secret
from codegen_ast.validate.source import discover
from codegen_ast.validate.structure import check_structure
from codegen_ast.validate.syntax import check_syntax
from codegen_ast.validate.target_env import TargetPython

EXAMPLE_RULES = [rule for rule in RULES.values() if rule.invalid]


def file_level_rules(tmp_path: Path, source: str, rule: Rule | None = None) -> list[str]:
    """Rule ids stages 1-5 report on one example file (written where ``rule`` says,
    among the files it says surround it; by default a lone ``example.py``)."""
    for relative, text in rule.example_files if rule else ():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, encoding="utf-8")
    path = tmp_path / (rule.example_path if rule else "example.py")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    workspace = discover([path], display_root=tmp_path)
    index = ModuleIndex(TargetPython())
    findings = check_syntax(workspace)
    findings += check_structure(workspace, index)
    findings += check_imports(workspace, index)
    findings += check_security(workspace)
    findings += check_completeness(workspace)
    return [finding.rule for finding in findings]


def test_every_file_level_rule_carries_examples() -> None:
    for rule in RULES.values():
        # IMP003 imports a package built in memory (new): validate never runs it on files
        file_level = rule.stage in ("syntax", "imports", "security", "completeness") and rule.id not in BUILT_PACKAGES_ONLY
        if file_level or rule.id.startswith("DCL"):
            assert rule.valid and rule.invalid, rule.id


@pytest.mark.parametrize(
    ("rule", "index"),
    [(rule, i) for rule in EXAMPLE_RULES for i in range(len(rule.invalid))],
    ids=lambda value: value.id if isinstance(value, Rule) else str(value),
)
def test_invalid_example_yields_exactly_its_rule(rule: Rule, index: int, tmp_path: Path) -> None:
    assert file_level_rules(tmp_path, rule.invalid[index], rule) == [rule.id]


@pytest.mark.parametrize(
    ("rule", "index"),
    [(rule, i) for rule in EXAMPLE_RULES for i in range(len(rule.valid))],
    ids=lambda value: value.id if isinstance(value, Rule) else str(value),
)
def test_valid_example_yields_nothing(rule: Rule, index: int, tmp_path: Path) -> None:
    assert file_level_rules(tmp_path, rule.valid[index], rule) == []


def test_rule_catalogue_is_well_formed() -> None:
    assert len(RULES) == 34
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id
        assert re.fullmatch(r"[A-Z]{3}\d{3}", rule_id)
        assert rule.stage in STAGES
        assert rule.severity in ("error", "warning", "note")
        assert rule.title and rule.fix
    assert {rule.stage for rule in RULES.values()} == set(STAGES)


def test_docs_describe_every_rule() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "validation.md").read_text(encoding="utf-8")
    for rule in RULES.values():
        assert re.search(rf"\| `{rule.id}` \| {rule.severity} \|", docs), rule.id


@pytest.mark.parametrize(
    ("name", "secret"),
    [("DB_PASSWORD", True), ("apiKey", True), ("auth_token", True), ("client_secret", True),
     ("private_key", True), ("token_type", False), ("password_env", False), ("key", False),
     ("PASSWORD_FIELD", False), ("monkey", False)],
)
def test_secret_names(name: str, secret: bool) -> None:
    assert looks_secret(name) is secret


def test_security_sees_through_import_aliases(tmp_path: Path) -> None:
    source = "from pickle import loads as decode\n\ndef f(b: bytes) -> object:\n    return decode(b)\n"
    assert file_level_rules(tmp_path, source) == ["SEC002"]


def test_framework_base_table_matches_the_installed_omnibase_core() -> None:
    modules = {
        "NodeEffect": "omnibase_core.nodes",
        "NodeCompute": "omnibase_core.nodes",
        "NodeReducer": "omnibase_core.nodes",
        "NodeOrchestrator": "omnibase_core.nodes",
        "ModelServiceEffect": "omnibase_core.nodes.node_service_effect",
        "ModelServiceCompute": "omnibase_core.nodes.node_service_compute",
        "ModelServiceReducer": "omnibase_core.nodes.node_service_reducer",
        "ModelServiceOrchestrator": "omnibase_core.nodes.node_service_orchestrator",
    }
    assert set(modules) == set(FRAMEWORK_MIXINS) == set(FRAMEWORK_KIND)
    for name, module in modules.items():
        cls = getattr(importlib.import_module(module), name)
        mixins = {klass.__name__ for klass in cls.__mro__ if klass.__name__.startswith("Mixin")}
        assert mixins == FRAMEWORK_MIXINS[name], name
        assert callable(cls.process)
