"""The mutation benchmark's own machinery (benchmarks/mutants.py, benchmarks/mutation.py).

The full run over the examples is a benchmark (`python -m benchmarks.mutation`); this
proves on a tiny package that mutants are made where they should be and that a
mutant is called killed or survived correctly.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from benchmarks.mutants import mutants
from benchmarks.mutation import _in_child, mutated_files

MODULE = textwrap.dedent(
    '''
    """A docstring is never mutated."""
    import logging

    LOG = logging.getLogger(__name__)


    def add(a: int, b: int) -> int:
        """Nor is this one."""
        LOG.info("adding %s", "values")
        return a + b
    '''
)


def test_mutants_change_one_thing_and_skip_docstrings_logs_and_annotations() -> None:
    made = mutants(MODULE)
    changes = sorted(m.description for m in made)
    assert changes == ["a + b: Add -> Subtract", "return a + b -> return None"]
    subtract = next(m for m in made if m.kind == "operator")
    assert "return a - b" in subtract.source
    assert subtract.source.replace("a - b", "a + b") == MODULE
    assert subtract.line == 11


def test_sql_mutants_drop_the_where_clause() -> None:
    source = "QUERY = 'DELETE FROM \"t\" WHERE \"k\" = $1 RETURNING \"k\"'\n"
    changes = [m.source for m in mutants(source) if m.kind == "sql"]
    assert changes == ["QUERY = 'DELETE FROM \"t\" RETURNING \"k\"'\n"]


def _package(root: Path, test_body: str) -> Path:
    package = root / "node_calc"
    (package / "tests").mkdir(parents=True)
    (package / "contract.yaml").write_text("name: calc\n", encoding="utf-8")
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "calc.py").write_text(MODULE, encoding="utf-8")
    (package / "tests" / "__init__.py").write_text("", encoding="utf-8")
    (package / "tests" / "test_calc.py").write_text(
        "from ..calc import add\n\n\ndef test_add() -> None:\n" + test_body, encoding="utf-8"
    )
    return package


def test_a_test_that_checks_the_value_kills_every_mutant(tmp_path: Path) -> None:
    package = _package(tmp_path, "    assert add(2, 3) == 5\n")
    assert [p.name for p in mutated_files(package)] == ["calc.py"]
    report = _in_child(tmp_path, package, None, 16, False, "calc")
    assert report.baseline == "passed"
    assert (report.killed, report.total) == (2, 2)
    assert (package / "calc.py").read_text(encoding="utf-8") == MODULE  # restored


def test_a_weak_test_lets_the_operator_mutant_survive(tmp_path: Path) -> None:
    package = _package(tmp_path, "    assert add(0, 0) == 0\n")
    report = _in_child(tmp_path, package, None, 16, False, "calc")
    assert (report.killed, report.total) == (1, 2)
    [survivor] = [o for o in report.outcomes if o.result == "survived"]
    assert (survivor.file, survivor.line, survivor.kind) == ("calc.py", 11, "operator")


def test_a_package_whose_tests_fail_as_generated_is_not_scored(tmp_path: Path) -> None:
    package = _package(tmp_path, "    assert add(2, 3) == 6\n")
    report = _in_child(tmp_path, package, None, 16, False, "calc")
    assert report.baseline.startswith("baseline failed")
    assert report.total == 0


SAGA = textwrap.dedent(
    '''
    stages = (
        (
            SagaStep(
                "ship",
                2.0,
                StepAction(method="POST", route="/shipments", timeout_s=2.0, attempts=1),
                NoCompensation("ship declares no compensation"),
            ),
            SagaStep(
                "pay",
                5.0,
                StepAction(method="POST", route="/payments", timeout_s=3.0, attempts=1),
                NoCompensation("pay declares no compensation"),
            ),
            SagaStep("notify", 2.0, StepAction(event=PLACED), StepAction(event=WITHDRAWN)),
        ),
    )
    '''
)


def test_only_mutants_that_change_no_behaviour_are_marked_equivalent() -> None:
    from benchmarks.equivalent import equivalent

    marked = {(m.line, m.description): equivalent(SAGA, m) for m in mutants(SAGA)}
    why = {key: reason.split(":")[0] for key, reason in marked.items() if reason is not None}
    # the step's limit and its call's deadline are equal: raising one alone changes nothing
    assert set(why) == {
        (6, "2.0 -> 3.0"), (7, "2.0 -> 3.0"),
        (8, '"ship declares no compensation" -> XX...XX'), (14, '"pay declares no compensation" -> XX...XX'),
    }
    # a shorter call deadline, an attempt count, a step name, an event step's limit: behaviour
    assert marked[(12, "5.0 -> 6.0")] is None and marked[(13, "3.0 -> 4.0")] is None
    assert marked[(7, "1 -> 2")] is None and marked[(5, '"ship" -> XX...XX')] is None
    assert marked[(16, "2.0 -> 3.0")] is None


CREATE = textwrap.dedent(
    '''
    async def create(request, resources):
        row = await resources.postgres.fetchrow('INSERT INTO "t" ("k") VALUES ($1) RETURNING "k"', request.k)
        return found(row, "t", "k", request.correlation_id)


    async def get(request, resources):
        row = await resources.postgres.fetchrow('SELECT "k" FROM "t" WHERE "k" = $1', request.k)
        return found(row, "t", "k", request.correlation_id)
    '''
)


def test_the_names_found_reports_after_an_insert_returning_are_equivalent_elsewhere_not() -> None:
    from benchmarks.equivalent import equivalent

    marked = {(m.line, m.description) for m in mutants(CREATE) if equivalent(CREATE, m) is not None}
    assert marked == {(4, '"t" -> XX...XX'), (4, '"k" -> XX...XX')}  # a SELECT's row may be missing: line 9 counts
