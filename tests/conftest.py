"""Shared fixtures: the bundled example generated once per test session."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from codegen_ast.generate import GeneratedPackage, generate
from codegen_ast.readers import read_node_spec

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_SPEC = ROOT / "examples" / "orders_effect.yaml"
# One mypy cache for the whole suite (and across runs): cold mypy follows
# ~2,900 omnibase-core modules, warm it takes about a second.
MYPY_CACHE = ROOT / ".mypy_cache"
# Strict validation runs mypy in its own process here: no mypy daemon outlives the suite
# (tests/validate/test_mypy_daemon.py starts, checks and stops the one it tests).
os.environ["CODEGEN_AST_MYPY_DAEMON"] = "0"
# Likewise the import check's server (tests/validate/test_import_server.py starts and stops
# its own; test_doc_commands.py stops those the documented commands start): none may be
# left when the suite ends (import_servers_left below).
os.environ["CODEGEN_AST_IMPORT_SERVER"] = "0"
IMPORT_SERVER_SCRIPT = ROOT / "codegen_ast" / "validate" / "_import_worker.py"


def import_server_processes(place: str = "") -> dict[int, str]:
    """The import servers of this checkout that run now (zombies aside), their socket's
    path containing ``place``: pid -> command line."""
    found = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if os.fsencode(IMPORT_SERVER_SCRIPT) in words and b"--serve" in words and os.fsencode(place) in b" ".join(words):
            found[int(entry.name)] = os.fsdecode(b" ".join(words))
    return found


def import_servers_left(before: Iterable[int] = (), place: str = "", timeout_s: float = 10.0) -> dict[int, str]:
    """The import servers (their socket's path containing ``place``) but for ``before``
    still running after ``timeout_s`` (a stopped one takes a moment to end); those are killed."""
    deadline = time.monotonic() + timeout_s
    while True:
        left = {pid: command for pid, command in import_server_processes(place).items() if pid not in before}
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return left


@pytest.fixture(scope="session", autouse=True)
def no_import_server_left() -> Iterator[None]:
    """No import server the suite started outlives it (one that does is killed, and fails the run)."""
    before = set(import_server_processes())
    yield
    left = import_servers_left(before)
    assert not left, f"import servers left running by the suite: {left}"


@pytest.fixture(scope="session")
def example_package() -> GeneratedPackage:
    return generate(read_node_spec(EXAMPLE_SPEC), check_stable=True)


@pytest.fixture(scope="session")
def example_dir(example_package: GeneratedPackage, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example package written to disk: returns the folder holding it."""
    root = tmp_path_factory.mktemp("generated")
    example_package.write(root)
    return root


# --- Services for tests of generated nodes (helpers in tests/services.py) -------------
# postgres_server / redis_server / kafka_broker: real servers, one per session; a service
# that cannot start FAILS the test that asked for it. consul_agent: a stand-in (no Consul
# can be installed here), fresh for each test.

import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import TypeVar  # noqa: E402

if str(ROOT) not in sys.path:  # plain `pytest` (not `python -m pytest`) leaves it out
    sys.path.insert(0, str(ROOT))

from tests.services import (  # noqa: E402
    ConsulAgentStandIn,
    KafkaBroker,
    PostgresServer,
    RedisServer,
    ServiceStartError,
)

Service = TypeVar("Service", PostgresServer, RedisServer, KafkaBroker)


def _session_service(create: Callable[[], Service], what: str) -> Iterator[Service]:
    try:
        service = create()
    except ServiceStartError as error:
        problem = str(error)
    else:
        problem = ""
    if problem:
        pytest.fail(f"cannot start {what}: {problem}", pytrace=False)
    try:
        yield service
    finally:
        service.destroy()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    yield from _session_service(PostgresServer.create, "the PostgreSQL test server")


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    yield from _session_service(RedisServer.create, "the Redis test server")


@pytest.fixture(scope="session")
def kafka_broker() -> Iterator[KafkaBroker]:
    """The Tansu broker; each test makes its own topics (``await kafka_broker.create_topic()``)."""
    yield from _session_service(KafkaBroker.create, "the Kafka test broker (Tansu)")


@pytest.fixture
def consul_agent() -> Iterator[ConsulAgentStandIn]:
    """A started Consul agent STAND-IN (local HTTP server), empty for each test."""
    with ConsulAgentStandIn() as agent:
        yield agent
