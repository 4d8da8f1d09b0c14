"""The tests codegen-ast generates into each declarative package: they pass on the
package as generated, against real services, and they fail when a handler is broken
(one targeted break per node kind; benchmarks/mutation.py scores them in full)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.declarative.conftest import output_folder
from tests.services import PostgresServer

EXAMPLES = (
    "orders_crud_effect", "orders_effect", "payments_events_effect", "inventory_api_effect", "price_quote_compute",
    "basket_fsm_reducer", "checkout_workflow_orchestrator", "sales_totals_reducer",
)
PACKAGES = (
    "node_order_book_effect", "node_orders_effect", "node_payments_effect", "node_inventory_api_effect",
    "node_price_quote_compute", "node_basket_reducer", "node_checkout_saga_orchestrator", "node_sales_totals_reducer",
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return output_folder(tmp_path_factory, "generated-tests", *EXAMPLES)


def run_tests(folder: Path, env: dict[str, str], *packages: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rfEs", "-p", "no:cacheprovider", "-o",
         "asyncio_default_fixture_loop_scope=function", *packages],
        cwd=folder, capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **env},
    )


def test_every_package_has_its_tests_and_they_pass_on_real_services(
    generated: Path, postgres_server: PostgresServer
) -> None:
    for package in PACKAGES:
        tests = generated / package / "tests"
        assert (tests / "__init__.py").is_file() and (tests / "conftest.py").is_file(), package
        assert list(tests.glob("test_*.py")), package
    ran = run_tests(generated, {"ONEX_TEST_POSTGRES_DSN": postgres_server.dsn}, *PACKAGES)
    assert ran.returncode == 0, ran.stdout[-4000:]
    assert "skipped" not in ran.stdout and " passed" in ran.stdout


# one break per kind: (package, file, text, broken text, the test that must fail)
BREAKS = [
    ("node_order_book_effect", "handlers/handler_delete_order.py", ' WHERE "order_id" = $1', "",
     "test_delete_order_deletes_rows"),
    ("node_orders_effect", "handlers/handler_create_order.py", "accepted=False", "accepted=True",
     "test_create_order_answers_the_hook_default"),
    ("node_price_quote_compute", "handlers/handler_quote_price.py", "* request.quantity", "* (request.quantity + 1)",
     "test_quote_price_answers_its_formulas"),
    ("node_payments_effect", "handlers/handler_mark_paid.py", "events = (ORDER_PAID,)", "events = ()",
     "test_mark_paid_updates_rows"),
    ("node_inventory_api_effect", "handlers/handler_get_item.py", '"GET",', '"POST",',
     "test_get_item_calls_its_endpoint"),
    ("node_basket_reducer", "handlers/handler_clear.py", "previous_state=transition.from_state",
     "previous_state=transition.to_state", "test_clear_moves_active_to_empty"),
    ("node_checkout_saga_orchestrator", "handlers/handler_place_order.py", 'route="/payments/{order_id}/refund"',
     'route="/payments/{order_id}"', "test_place_order_compensates_newest_first_when_ship_fails"),
    ("node_sales_totals_reducer", "handlers/handler_record_sale.py", "state is not None else 0) + request.amount",
     "state is None else 0) + request.amount", "test_record_sale_folds_each_request_into_the_state"),
    # the discovery handler of a node with capabilities: its answer is compared whole
    ("node_payments_effect", "handlers/handler_node_discovery.py", "node_version = (1, 0, 0)",
     "node_version = (1, 0, 1)", "test_discovery_requests_are_answered_with_what_the_node_declares"),
    ("node_payments_effect", "handlers/handler_node_discovery.py", '"mark_paid", "get_order")', '"get_order")',
     "test_discovery_requests_are_answered_with_what_the_node_declares"),
    # a consumed event's failure swallowed: committed, never redelivered nor dead-lettered (the Kafka test sees it)
    ("node_payments_effect", "../onex_support/handlers/event.py", "        answer = await self.handler.handle(request)\n",
     "        try:\n            answer = await self.handler.handle(request)\n        except Exception:\n"
     "            return None  # type: ignore[return-value]\n",
     "test_payment_captured_events_on_kafka_are_answered_or_dead_lettered"),
]


@pytest.mark.parametrize(("package", "file", "text", "broken", "catches"), BREAKS,
                         ids=[f"{b[0]}-{Path(b[1]).stem.removeprefix('handler_')}" for b in BREAKS])
def test_a_broken_handler_fails_its_generated_test(
    generated: Path, postgres_server: PostgresServer, package: str, file: str, text: str, broken: str, catches: str
) -> None:
    path = generated / package / file
    original = path.read_text(encoding="utf-8")
    assert text in original, f"{text!r} is not in {path}"
    try:
        path.write_text(original.replace(text, broken, 1), encoding="utf-8")
        ran = run_tests(generated, {"ONEX_TEST_POSTGRES_DSN": postgres_server.dsn}, package)
    finally:
        path.write_text(original, encoding="utf-8")
    assert ran.returncode == 1, ran.stdout[-2000:]
    assert f"FAILED {package}/tests/" in ran.stdout and catches in ran.stdout, ran.stdout[-2000:]


def test_without_a_server_or_its_variable_a_database_test_skips_naming_the_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.support.helpers import SUPPORT_ROOT  # noqa: F401 (puts onex_support on sys.path)
    from onex_support.testing import servers

    def no_programs() -> Path:
        raise LookupError("no PostgreSQL server programs")

    monkeypatch.delenv("ONEX_TEST_POSTGRES_DSN", raising=False)
    monkeypatch.delenv("ONEX_TEST_REDIS_URL", raising=False)
    monkeypatch.setattr(servers, "_postgres_bin", no_programs)
    monkeypatch.setattr(servers.shutil, "which", lambda name: None)
    with pytest.raises(pytest.skip.Exception, match="install the `postgresql` package"):
        servers.postgres_dsn([])
    with pytest.raises(pytest.skip.Exception, match="install the `redis-server` package"):
        servers.redis_url([])
    monkeypatch.setenv("ONEX_TEST_POSTGRES_DSN", "postgresql://given")
    assert servers.postgres_dsn([]) == "postgresql://given"
