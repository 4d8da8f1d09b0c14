"""Effect operations that declare endpoints (examples/inventory_api_effect.yaml):
the generated node against a real HTTP server on 127.0.0.1.

The server (stdlib ``http.server`` in a thread) records every request it gets
and answers from a script: a status, a JSON or raw body, headers, a delay.
It plays the inventory API the example's node calls; the node talks to it over
real loopback HTTP through httpx, as it would to the real service.
"""

from __future__ import annotations

import gzip
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any
from uuid import UUID, uuid4

import pytest
from click.testing import CliRunner
from mypy import api as mypy_api
from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.contracts import ModelContractEffect

from codegen_ast.cli import main
from codegen_ast.generate import generate
from codegen_ast.readers import read_node_spec
from codegen_ast.validate import validate
from tests.conftest import MYPY_CACHE
from tests.imports import imported

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "inventory_api_effect.yaml"
BIN = Path(sys.executable).parent
HOSTILE = "a/b?c#d'; DROP"
HOSTILE_QUOTED = "a%2Fb%3Fc%23d%27%3B%20DROP"
RESERVATION = UUID("8d1f0b3c-56a2-4e5f-9b7a-0c1d2e3f4a5b")


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: object = None  # JSON; bytes are sent as they are; None: the default item
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


@dataclass(frozen=True)
class Received:
    method: str
    target: str  # path and query as sent, still quoted
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() when it arrived


class InventoryApi:
    """A real HTTP server on 127.0.0.1 playing the inventory service: it records
    each request and answers the next scripted Answer, else 200 with an item."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self._script: list[Answer] = []
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with api._lock:
                    api.received.append(
                        Received(self.command, self.path, dict(self.headers.items()), body, time.monotonic())
                    )
                    answer = api._script.pop(0) if api._script else Answer()
                time.sleep(answer.delay_s)
                if answer.body is None:
                    payload = b"" if answer.status == 204 else json.dumps(api.item()).encode()
                elif isinstance(answer.body, bytes):
                    payload = answer.body
                else:
                    payload = json.dumps(answer.body).encode()
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    if payload:
                        self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting (timeout tests)
                    self.close_connection = True

            do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = _serve

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @staticmethod
    def item() -> dict[str, object]:
        return {
            "sku": "W-1",
            "name": "Widget",
            "quantity": 7,
            "reserved": 2,
            "reservation_id": str(RESERVATION),
            "updated_at": "2024-05-01T12:30:00Z",
            "supplier": "not a declared output field: ignored",
        }

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, *answers: Answer) -> None:
        with self._lock:
            self._script = list(answers)

    def reset(self) -> None:
        with self._lock:
            self._script = []
            self.received = []

    def __enter__(self) -> InventoryApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="module")
def api_server() -> Iterator[InventoryApi]:
    with InventoryApi() as server:
        yield server


@pytest.fixture(scope="module")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(read_node_spec(EXAMPLE)).write(tmp_path_factory.mktemp("http"))


@pytest.fixture
def inventory(package_dir: Path) -> Iterator[ModuleType]:
    with imported(package_dir) as module:
        yield module


@pytest.fixture
async def node(
    inventory: ModuleType, api_server: InventoryApi, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Any]:
    api_server.reset()
    monkeypatch.setenv("HTTP_BASE_URL", api_server.url)
    monkeypatch.setenv("HTTP_BACKOFF_BASE_S", "0.05")
    monkeypatch.setenv("HTTP_BACKOFF_MAX_S", "0.4")
    started = inventory.NodeInventoryApiEffect(ModelONEXContainer())
    await started.initialize()
    try:
        yield started
    finally:
        await started.cleanup()


def request(inventory: ModuleType, operation: str, **fields: object) -> Any:
    return inventory.ModelInventoryApiInput(operation=operation, **{"sku": HOSTILE, **fields})


async def refused(node: Any, sent: Any) -> ModelOnexError:
    with pytest.raises(ModelOnexError) as caught:
        await node.process(sent)
    assert caught.value.correlation_id == sent.correlation_id
    return caught.value


def context(error: ModelOnexError) -> dict[str, Any]:
    extra = error.context.get("additional_context", {})
    assert isinstance(extra, dict)
    return extra


# ---------------------------------------------------------------- requests and answers


async def test_get_quotes_the_path_sends_query_and_maps_the_answer(
    node: Any, inventory: ModuleType, api_server: InventoryApi
) -> None:
    sent = request(inventory, "get_item", warehouse="north", quantity=3)
    output = await node.process(sent)

    [received] = api_server.received
    assert received.method == "GET"
    assert received.target == f"/items/{HOSTILE_QUOTED}?warehouse=north&quantity=3"
    assert received.headers["X-Correlation-ID"] == str(sent.correlation_id)
    assert received.body == b""
    assert isinstance(output, inventory.ModelInventoryApiOutput)
    assert (output.sku, output.name, output.quantity, output.reserved) == ("W-1", "Widget", 7, 2)
    assert output.reservation_id == RESERVATION
    assert output.updated_at == datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    assert output.correlation_id == sent.correlation_id
    assert output.result["quantity"] == 7  # the envelope's plain-data copy
    metrics = node.get_operation_metrics()
    assert (metrics["api_calls"], metrics["api_retries"], metrics["successes"]) == (1, 0, 1)


async def test_put_and_post_send_the_set_fields_as_json(
    node: Any, inventory: ModuleType, api_server: InventoryApi
) -> None:
    await node.process(request(inventory, "put_item", name="Widget", quantity=5))
    await node.process(request(inventory, "reserve_item", quantity=2, order_id="O-9"))

    put, post = api_server.received
    assert (put.method, put.target) == ("PUT", f"/items/{HOSTILE_QUOTED}")
    assert json.loads(put.body) == {"name": "Widget", "quantity": 5}  # unset fields are not sent
    assert put.headers["Content-Type"] == "application/json"
    assert (post.method, post.target) == ("POST", f"/items/{HOSTILE_QUOTED}/reservations")
    assert json.loads(post.body) == {"quantity": 2, "order_id": "O-9"}


async def test_an_empty_204_answer_leaves_the_optional_outputs_unset(
    node: Any, inventory: ModuleType, api_server: InventoryApi
) -> None:
    api_server.script(Answer(204))
    output = await node.process(request(inventory, "delete_item", sku="W-1"))
    assert api_server.received[0].target == "/items/W-1"
    assert (output.sku, output.quantity, output.updated_at) == (None, None, None)


@pytest.mark.parametrize("value", ["", ".", ".."])
async def test_a_path_value_that_would_change_the_resource_is_refused(
    node: Any, inventory: ModuleType, api_server: InventoryApi, value: str
) -> None:
    error = await refused(node, request(inventory, "delete_item", sku=value))
    assert error.error_code == EnumCoreErrorCode.VALIDATION_ERROR
    assert "delete_item needs sku to fill the path /items/{sku}" in error.message
    assert api_server.received == []


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (Answer(body=b"<html>oops</html>"), "(200) is not JSON"),
        (Answer(body=[1, 2]), "a JSON list, not an object"),
        (Answer(body={"quantity": "many"}), "quantity: Input should be a valid integer"),
    ],
    ids=["not_json", "not_an_object", "wrong_type"],
)
async def test_an_answer_that_breaks_the_declared_output_is_a_contract_violation(
    node: Any, inventory: ModuleType, api_server: InventoryApi, answer: Answer, problem: str
) -> None:
    api_server.script(answer)
    error = await refused(node, request(inventory, "get_item"))
    assert error.error_code == EnumCoreErrorCode.CONTRACT_VIOLATION
    assert problem in error.message
    assert context(error)["status_code"] == 200


async def test_an_answer_is_read_only_up_to_the_size_limit(
    node: Any, inventory: ModuleType, api_server: InventoryApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_MAX_RESPONSE_BYTES", "2000")
    api_server.script(Answer(body={**InventoryApi.item(), "notes": "x" * 5000}))
    sent = request(inventory, "get_item")
    error = await refused(node, sent)
    assert error.error_code == EnumCoreErrorCode.CONTRACT_VIOLATION
    assert "is longer than 2000 bytes (HTTP_MAX_RESPONSE_BYTES)" in error.message
    assert context(error)["status_code"] == 200
    # within the limit the same node reads answers as before
    assert (await node.process(request(inventory, "get_item"))).name == "Widget"


async def test_a_compressed_answer_is_decoded(node: Any, inventory: ModuleType, api_server: InventoryApi) -> None:
    body = gzip.compress(json.dumps(InventoryApi.item()).encode())
    api_server.script(Answer(body=body, headers={"Content-Encoding": "gzip"}))
    output = await node.process(request(inventory, "get_item"))
    assert (output.name, output.quantity, output.reservation_id) == ("Widget", 7, RESERVATION)


# ---------------------------------------------------------------- retries


@pytest.mark.parametrize(
    ("operation", "method", "failures"),
    [("get_item", "GET", 2), ("put_item", "PUT", 3), ("delete_item", "DELETE", 2)],  # PUT declares retries: 3
)
async def test_idempotent_methods_are_retried_with_growing_backoff(
    node: Any, inventory: ModuleType, api_server: InventoryApi, operation: str, method: str, failures: int
) -> None:
    api_server.script(*[Answer(503), Answer(502), Answer(504)][:failures])
    output = await node.process(request(inventory, operation, sku="W-1", quantity=1))

    assert [r.method for r in api_server.received] == [method] * (failures + 1)
    assert output.quantity == 7  # the answer of the attempt that succeeded
    gaps = [later.at - earlier.at for earlier, later in zip(api_server.received, api_server.received[1:])]
    assert gaps[0] >= 0.05 and gaps[1] >= 0.1  # HTTP_BACKOFF_BASE_S, doubled
    assert {r.headers["X-Correlation-ID"] for r in api_server.received} == {str(output.correlation_id)}
    metrics = node.get_operation_metrics()
    assert (metrics["api_calls"], metrics["api_retries"]) == (failures + 1, failures)


async def test_retries_stop_after_the_declared_attempts(
    node: Any, inventory: ModuleType, api_server: InventoryApi
) -> None:
    api_server.script(*[Answer(503)] * 5)
    sent = request(inventory, "get_item")
    error = await refused(node, sent)
    assert error.error_code == EnumCoreErrorCode.SERVICE_UNAVAILABLE
    assert len(api_server.received) == 3  # retries default to 2 for GET
    assert context(error) | {"status_code": 503, "method": "GET", "attempts": 3} == context(error)
    assert context(error)["path"] == "/items/{sku}"  # the route: the request's values stay out of errors and logs
    assert isinstance(error.__cause__, Exception) and "503" in str(error.__cause__)


async def test_a_numeric_retry_after_is_honoured_up_to_the_cap(
    node: Any, inventory: ModuleType, api_server: InventoryApi
) -> None:
    api_server.script(Answer(503, headers={"Retry-After": "30"}))
    await node.process(request(inventory, "get_item"))
    first, second = api_server.received
    assert 0.4 <= second.at - first.at < 2.0  # waited HTTP_BACKOFF_MAX_S, not 30 s


async def test_post_is_sent_once_even_on_503(node: Any, inventory: ModuleType, api_server: InventoryApi) -> None:
    api_server.script(Answer(503), Answer(200))
    error = await refused(node, request(inventory, "reserve_item", quantity=1))
    assert error.error_code == EnumCoreErrorCode.SERVICE_UNAVAILABLE
    assert [r.method for r in api_server.received] == ["POST"]
    assert node.get_operation_metrics()["api_retries"] == 0


# ---------------------------------------------------------------- status -> error code

STATUS_CODES = {
    400: EnumCoreErrorCode.VALIDATION_ERROR,
    401: EnumCoreErrorCode.AUTHENTICATION_ERROR,
    403: EnumCoreErrorCode.PERMISSION_DENIED,
    404: EnumCoreErrorCode.NOT_FOUND,
    408: EnumCoreErrorCode.TIMEOUT,
    409: EnumCoreErrorCode.INVALID_STATE,
    418: EnumCoreErrorCode.INVALID_INPUT,  # another 4xx
    422: EnumCoreErrorCode.VALIDATION_ERROR,
    429: EnumCoreErrorCode.RATE_LIMIT_ERROR,
    500: EnumCoreErrorCode.OPERATION_FAILED,  # another 5xx
    502: EnumCoreErrorCode.DEPENDENCY_UNAVAILABLE,
    503: EnumCoreErrorCode.SERVICE_UNAVAILABLE,
    504: EnumCoreErrorCode.DEPENDENCY_UNAVAILABLE,
}


async def test_each_status_maps_to_its_error_code(node: Any, inventory: ModuleType, api_server: InventoryApi) -> None:
    for status, code in STATUS_CODES.items():
        api_server.reset()
        api_server.script(Answer(status, body={"detail": f"refused with {status}"}))
        sent = request(inventory, "reserve_item", quantity=1)  # POST: one request per status
        error = await refused(node, sent)
        assert (status, error.error_code) == (status, code)
        assert len(api_server.received) == 1
        extra = context(error)
        assert (extra["status_code"], extra["method"]) == (status, "POST")
        assert f"refused with {status}" in extra["response_body"]
        assert f"answered {status}" in error.message


async def test_a_retried_call_maps_its_final_status_too(
    node: Any, inventory: ModuleType, api_server: InventoryApi
) -> None:
    api_server.script(Answer(503), Answer(404))
    error = await refused(node, request(inventory, "get_item"))
    assert error.error_code == EnumCoreErrorCode.NOT_FOUND  # 404 is final: not retried
    assert len(api_server.received) == 2


# ---------------------------------------------------------------- timeouts and transport errors


async def test_a_slow_answer_is_a_timeout_retried_for_get_only(
    node: Any, inventory: ModuleType, api_server: InventoryApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inventory.handlers.handler_get_item, "TIMEOUT_S", 0.2)
    monkeypatch.setattr(inventory.handlers.handler_reserve_item, "TIMEOUT_S", 0.2)
    api_server.script(*[Answer(delay_s=0.6)] * 3)
    started = time.monotonic()
    error = await refused(node, request(inventory, "get_item"))
    assert error.error_code == EnumCoreErrorCode.TIMEOUT
    assert len(api_server.received) == 3
    assert time.monotonic() - started < 2.0

    api_server.reset()
    api_server.script(Answer(delay_s=0.6))
    error = await refused(node, request(inventory, "reserve_item", quantity=1))
    assert error.error_code == EnumCoreErrorCode.TIMEOUT
    assert len(api_server.received) == 1
    assert "timed out after 0.2 s" in error.message


async def test_an_unreachable_service_is_a_network_error_after_retries(
    inventory: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("HTTP_BASE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("HTTP_BACKOFF_BASE_S", "0.01")
    unreachable = inventory.NodeInventoryApiEffect(ModelONEXContainer())
    await unreachable.initialize()
    try:
        error = await refused(unreachable, request(inventory, "get_item"))
        assert error.error_code == EnumCoreErrorCode.NETWORK_ERROR
        assert unreachable.get_operation_metrics()["api_calls"] == 3
    finally:
        await unreachable.cleanup()


async def test_http_call_is_a_helper_other_code_can_use(node: Any, api_server: InventoryApi) -> None:
    correlation_id = uuid4()
    response = await node.http_call(
        "PATCH", "/items/W-1", json={"quantity": 1}, timeout_s=1.0, attempts=1, correlation_id=correlation_id
    )
    assert response.json()["sku"] == "W-1"
    [received] = api_server.received
    assert (received.method, received.headers["X-Correlation-ID"]) == ("PATCH", str(correlation_id))


# ---------------------------------------------------------------- the package as a user gets it


def test_the_package_is_complete_typed_valid_and_its_own_tests_pass(package_dir: Path) -> None:
    stdout, stderr, status = mypy_api.run(["--strict", "--cache-dir", str(MYPY_CACHE), str(package_dir)])
    assert status == 0, stdout + stderr
    onex = subprocess.run(
        [str(BIN / "onex"), "validate", "--strict", package_dir.name],
        cwd=package_dir.parent, capture_output=True, text=True, timeout=120, check=False,
    )
    assert onex.returncode == 0, onex.stdout + onex.stderr
    # its own tests need no server: they give the node a stand-in transport
    own = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "-o", "asyncio_default_fixture_loop_scope=function", package_dir.name],
        cwd=package_dir.parent, capture_output=True, text=True, timeout=300, check=False,
    )
    assert own.returncode == 0, own.stdout + own.stderr
    assert "10 passed" in own.stdout
    report = validate([package_dir], level="standard")  # stages 1-5: mypy ran above
    assert report.passed, report.render_text()
    assert report.manual_completion is not None
    assert (report.manual_completion.lines_to_write, len(report.manual_completion.handlers)) == (0, 4)
    handle = (package_dir / "handlers" / "handler_put_item.py").read_text(encoding="utf-8")
    assert '"""PUT /items/{sku} with a 5 s timeout, sent up to 4 times' in handle
    # what every endpoint handler does alike is written once, in endpoints.py
    shared = (package_dir / "endpoints.py").read_text(encoding="utf-8")
    assert shared.count("def path_segment(") == 1 and shared.count("def to_output(") == 1
    for handler in (package_dir / "handlers").glob("handler_*.py"):
        text = handler.read_text(encoding="utf-8")
        assert "def path_segment(" not in text and "def to_output(" not in text, handler.name


# ---------------------------------------------------------------- contract and spec errors


def test_the_contract_records_each_endpoint_timeout(package_dir: Path) -> None:
    contract = ModelContractEffect.from_yaml((package_dir / "contract.yaml").read_text(encoding="utf-8"))
    assert contract.io_operations is not None
    timeouts = {entry.operation_type: entry.timeout_seconds for entry in contract.io_operations}
    assert timeouts == {"get_item": 5, "put_item": 5, "reserve_item": 10, "delete_item": 10}


SPEC_HEAD = "name: stock\nnode_type: effect\ndescription: A node.\noperations:\n"


@pytest.mark.parametrize(
    ("operations", "inputs", "where", "hints"),
    [
        (
            '  - name: get_item\n    http: {method: GET, path: "/items/{item_id}"}\n',
            "  - {name: sku, type: str}\n",
            ":6: operations.0.http.path: ",
            ("uses {item_id}, which is not an input field", "add it to input_fields"),
        ),
        (
            '  - name: reserve_item\n    http: {method: POST, path: "/items/{sku}", retries: 2}\n',
            "  - {name: sku, type: str}\n",
            ":6: operations.0.http: ",
            ("POST is not idempotent", "remove retries"),
        ),
        (
            '  - name: get_item\n    http: {method: GET, path: "/items/{skus}"}\n',
            "  - {name: skus, type: 'list[str]'}\n",
            ":6: operations.0.http.path: ",
            ("uses {skus}, a list[str]", "use a scalar input field"),
        ),
        (
            '  - name: get_blob\n    http: {method: GET, path: "/blobs/{digest}"}\n',
            "  - {name: digest, type: bytes}\n",
            ":6: operations.0.http.path: ",
            ("uses {digest}, a bytes", "one text value"),
        ),
    ],
    ids=["placeholder_not_an_input", "retries_on_post", "placeholder_not_scalar", "placeholder_bytes"],
)
def test_bad_endpoint_declarations_are_clear_errors(
    tmp_path: Path, operations: str, inputs: str, where: str, hints: tuple[str, ...]
) -> None:
    spec_path = tmp_path / "stock.yaml"
    spec_path.write_text(SPEC_HEAD + operations + "input_fields:\n" + inputs, encoding="utf-8")
    result = CliRunner().invoke(main, ["new", str(spec_path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert message.startswith(f"error: {spec_path}{where}"), message
    for hint in hints:
        assert hint in message
    assert not (tmp_path / "out").exists()
