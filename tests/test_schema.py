"""`codegen-ast schema`: the JSON Schemas pydantic generates, which editors and tools use."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from codegen_ast.cli import main
from codegen_ast.validate import REPORT_SCHEMA
from tests.conftest import ROOT

SPECS = sorted([*(ROOT / "examples").glob("*.yaml"), *(ROOT / "tests" / "cases").glob("*/spec.yaml")])


def schema(which: str) -> dict[str, object]:
    result = CliRunner().invoke(main, ["schema", which])
    assert result.exit_code == 0, result.output
    document: dict[str, object] = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(document)
    return document


@pytest.mark.parametrize("path", SPECS, ids=[str(path.relative_to(ROOT)) for path in SPECS])
def test_every_bundled_spec_matches_the_published_spec_schema(path: Path) -> None:
    jsonschema.validate(yaml.safe_load(path.read_text()), schema("spec"))


def test_the_spec_schema_refuses_what_the_reader_refuses() -> None:
    published = schema("spec")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"name": "orders", "node_type": "effect", "operations": [{"nme": "x"}]}, published)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"name": "orders", "node_type": "effect", "input_fields": [{"name": "a", "type": 3}]},
                            published)


def test_the_report_schema_is_the_one_validate_documents() -> None:
    assert schema("report") == REPORT_SCHEMA
