"""The tests codegen-ast generates into each declarative package: they pass on the
package as generated, against real services, and they fail when a handler is broken
(one targeted run per node kind; benchmarks/mutation.py scores them in full)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.declarative.conftest import output_folder
from tests.services import PostgresServer

EXAMPLES = ("orders_crud_effect", "orders_effect", "price_quote_compute")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return output_folder(tmp_path_factory, "generated-tests", *EXAMPLES)


def run_tests(folder: Path, package: str, env: dict[str, str], *select: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function",
         package, *(["-k", " or ".join(select)] if select else [])],
        cwd=folder, capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **env}, check=False,
    )


def pg_env(server: PostgresServer) -> dict[str, str]:
    return {"ONEX_TEST_POSTGRES_DSN": server.dsn}


def break_line(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_package_has_its_tests(generated: Path) -> None:
    for package in ("node_order_book_effect", "node_orders_effect", "node_price_quote_compute"):
        tests = generated / package / "tests"
        assert sorted(path.name for path in tests.iterdir() if path.suffix == ".py")[:2] == ["__init__.py", "conftest.py"]
        assert list(tests.glob("test_*.py")), package


def test_the_crud_tests_pass_then_catch_a_delete_that_deletes_everything(
    generated: Path, postgres_server: PostgresServer, tmp_path: Path
) -> None:
    ran = run_tests(generated, "node_order_book_effect", pg_env(postgres_server))
    assert ran.returncode == 0, ran.stdout[-3000:]
    assert "passed" in ran.stdout and "skipped" not in ran.stdout

    handler = generated / "node_order_book_effect" / "handlers" / "handler_delete_order.py"
    original = handler.read_text(encoding="utf-8")
    try:
        break_line(handler, ' WHERE "order_id" = $1', "")
        broken = run_tests(generated, "node_order_book_effect", pg_env(postgres_server), "delete")
        assert broken.returncode == 1, broken.stdout[-2000:]
        assert "test_delete_order_deletes_rows" in broken.stdout
    finally:
        handler.write_text(original, encoding="utf-8")


def test_the_hook_and_formula_tests_catch_a_changed_answer(generated: Path, tmp_path: Path) -> None:
    for package in ("node_orders_effect", "node_price_quote_compute"):
        ran = run_tests(generated, package, {})
        assert ran.returncode == 0, ran.stdout[-3000:]
    hook = generated / "node_orders_effect" / "handlers" / "handler_create_order.py"
    formula = generated / "node_price_quote_compute" / "handlers" / "handler_quote_price.py"
    for path, old, new, package in (
        (hook, "accepted=False", "accepted=True", "node_orders_effect"),
        (formula, "* request.quantity", "* (request.quantity + 1)", "node_price_quote_compute"),
    ):
        original = path.read_text(encoding="utf-8")
        try:
            break_line(path, old, new)
            broken = run_tests(generated, package, {})
            assert broken.returncode == 1, broken.stdout[-2000:]
        finally:
            path.write_text(original, encoding="utf-8")


def test_without_a_server_or_its_variable_a_database_test_skips_naming_the_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.support.helpers import SUPPORT_ROOT  # noqa: F401 (puts onex_support on sys.path)
    from onex_support.testing import servers

    monkeypatch.delenv("ONEX_TEST_POSTGRES_DSN", raising=False)
    monkeypatch.delenv("ONEX_TEST_REDIS_URL", raising=False)
    def no_programs() -> Path:
        raise LookupError("no PostgreSQL server programs")

    monkeypatch.setattr(servers, "_postgres_bin", no_programs)
    monkeypatch.setattr(servers.shutil, "which", lambda name: None)
    with pytest.raises(pytest.skip.Exception, match="install the `postgresql` package"):
        servers.postgres_dsn([])
    with pytest.raises(pytest.skip.Exception, match="install the `redis-server` package"):
        servers.redis_url([])
    monkeypatch.setenv("ONEX_TEST_POSTGRES_DSN", "postgresql://given")
    assert servers.postgres_dsn([]) == "postgresql://given"
