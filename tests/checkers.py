"""The framework's own checkers, run over an output folder, for tests.

A package codegen-ast writes must pass what omnibase-core 0.47.57 itself checks
and runs. Each helper runs one of them the way a user would and returns what it
said, parsed:

- :func:`onex_validate` — ``onex validate --strict FOLDER`` (its four validators;
  for a failed one, the issues its verbose form lists);
- :func:`compliance_check` — ``onex compliance check``, the CLI's 8-point check
  per contract, read from the YAML report it writes;
- :func:`typed_contracts` — each ``contract.yaml`` through the framework's own
  normalizer (``compose_normalization_pipeline``), then the typed
  ``ModelContract*`` model its ``node_type`` names;
- :func:`run_on_runtime` — one request through ``RuntimeLocal``, the framework's
  contract runner, keeping its in-memory bus to read the events it carried.

The CLIs run as subprocesses from the output folder (never from inside
omnibase_core's folder, whose ``logging/`` package shadows the standard library's);
the typed models and ``RuntimeLocal`` run in this process.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

BIN = Path(sys.executable).parent
ONEX = BIN / "onex"
CLI_TIMEOUT_S = 300


# --- onex validate --strict ----------------------------------------------------------
@dataclass
class OnexValidation:
    exit_code: int
    passed: list[str]  # validators that passed: architecture, union-usage, contracts, patterns
    failed: list[str]
    issues: dict[str, list[str]]  # by failed validator: what its verbose run lists
    output: str

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.failed


def onex_validate(folder: Path) -> OnexValidation:
    """``onex validate --strict folder``; for each failed validator, its issues."""
    result = _run([str(ONEX), "validate", "--strict", str(folder)], folder)
    passed = re.findall(r"\[PASS\] (\S+)", result.stdout)
    failed = re.findall(r"\[FAIL\] (\S+)", result.stdout)
    issues: dict[str, list[str]] = {}
    for name in failed:
        verbose = _run([sys.executable, "-m", "omnibase_core.validation.validator_cli", "--strict", "--verbose",
                        name, str(folder)], folder)
        issues[name] = [line.strip().removeprefix("• ").strip() for line in verbose.stdout.splitlines()
                        if line.strip().startswith("• ")]
    return OnexValidation(result.returncode, passed, failed, issues, result.stdout + result.stderr)


# --- onex compliance check ------------------------------------------------------------
@dataclass
class ComplianceNode:
    node_id: str
    passed: bool
    checks_passed: list[str]
    checks_failed: list[str]
    contract_path: Path


@dataclass
class Compliance:
    exit_code: int
    nodes: dict[str, ComplianceNode]
    output: str

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and all(node.passed for node in self.nodes.values())


def compliance_check(folder: Path, report_dir: Path) -> Compliance:
    """``onex compliance check --repo-root folder``: every contract below it, 8 checks each."""
    report = report_dir / "compliance-report.yaml"
    result = _run([str(ONEX), "compliance", "check", "--repo-root", str(folder), "--output", str(report)], folder)
    data = yaml.safe_load(report.read_text(encoding="utf-8")) if report.is_file() else {}
    nodes = {
        str(entry["node_id"]): ComplianceNode(
            node_id=str(entry["node_id"]),
            passed=bool(entry["passed"]),
            checks_passed=list(entry.get("checks_passed") or []),
            checks_failed=list(entry.get("checks_failed") or []),
            contract_path=Path(str(entry["contract_path"])),
        )
        for entry in (data or {}).get("results") or []
    }
    return Compliance(result.returncode, nodes, result.stdout + result.stderr)


# --- the typed contract models, after the framework's normalizer -----------------------
@dataclass
class TypedContract:
    path: Path
    model: str  # ModelContractEffect, ...
    set_aside: list[str]  # keys the normalizer dropped or filed under annotations
    error: str | None  # the model's refusal, None when it accepts the contract


def typed_contracts(folder: Path) -> list[TypedContract]:
    """Every contract.yaml below ``folder``, as the framework's migration audit validates it."""
    from omnibase_core.models.contracts import (
        ModelContractCompute,
        ModelContractEffect,
        ModelContractOrchestrator,
        ModelContractReducer,
    )
    from omnibase_core.normalization.contract_normalizer import compose_normalization_pipeline

    models: dict[str, Any] = {
        "EFFECT_GENERIC": ModelContractEffect,
        "COMPUTE_GENERIC": ModelContractCompute,
        "REDUCER_GENERIC": ModelContractReducer,
        "ORCHESTRATOR_GENERIC": ModelContractOrchestrator,
    }
    checked: list[TypedContract] = []
    for path in sorted(folder.rglob("contract.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        model = models.get(str(raw.get("node_type")))
        if model is None:
            checked.append(TypedContract(path, "", [], f"unknown node_type {raw.get('node_type')!r}"))
            continue
        normalized = compose_normalization_pipeline(raw)
        error: str | None = None
        try:
            model.model_validate(normalized)
        except Exception as refusal:  # pydantic's ValidationError, or a validator's ModelOnexError
            error = str(refusal)
        checked.append(TypedContract(path, model.__name__, sorted(set(raw) - set(normalized)), error))
    return checked


# --- the production repository's declarative-node validator ----------------------------
# It ships in the published omnibase-infra wheel (MIT). That package pulls in dozens of
# services' clients, so the wheel is fetched once per virtual environment without its
# dependencies and only the validator's module and the four definitions it imports are
# unpacked, under a minimal package shell; nothing of it lives in this repository.
INFRA_WHEEL = "omnibase-infra==0.38.76"
VALIDATOR_MODULES = (
    "omnibase_infra/validation/validator_declarative_node.py",
    "omnibase_infra/enums/enum_validation_severity.py",
    "omnibase_infra/enums/enum_declarative_node_violation.py",
    "omnibase_infra/models/validation/model_declarative_node_violation.py",
    "omnibase_infra/models/validation/model_declarative_node_validation_result.py",
)
PACKAGE_SHELL = {  # the real __init__ files import the whole package
    "omnibase_infra/__init__.py": "",
    "omnibase_infra/validation/__init__.py": "",
    "omnibase_infra/models/__init__.py": "",
    "omnibase_infra/models/validation/__init__.py": "",
    "omnibase_infra/enums/__init__.py": "from omnibase_infra.enums.enum_validation_severity import EnumValidationSeverity\n",
}


def declarative_validator_folder() -> Path:
    """The folder to put on ``sys.path`` to import ``omnibase_infra.validation.validator_declarative_node``."""
    folder = Path(sys.prefix) / "reference" / INFRA_WHEEL.replace("==", "-")
    if (folder / "unpacked").exists():
        return folder
    import tempfile
    import zipfile

    with tempfile.TemporaryDirectory() as download:
        fetched = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet",
             "--disable-pip-version-check", "-d", download, INFRA_WHEEL],
            capture_output=True, text=True, timeout=CLI_TIMEOUT_S,
        )
        wheels = list(Path(download).glob("*.whl"))
        if fetched.returncode != 0 or not wheels:
            raise RuntimeError(f"could not download {INFRA_WHEEL} (the declarative-node validator): {fetched.stderr}")
        with zipfile.ZipFile(wheels[0]) as wheel:
            for name in VALIDATOR_MODULES:
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(wheel.read(name))
    for name, text in PACKAGE_SHELL.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "unpacked").touch()
    return folder


@dataclass
class DeclarativeNodes:
    passed: bool
    files_checked: int
    violations: list[str]  # "file:line: type: message"


def declarative_nodes(folder: Path) -> DeclarativeNodes:
    """Every node.py below ``folder`` through the declarative-node validator of the
    production repository (omnibase-infra's, see :func:`declarative_validator_folder`),
    as its CI gate calls it."""
    import importlib

    with importable(declarative_validator_folder()):
        validator = importlib.import_module("omnibase_infra.validation.validator_declarative_node")
        result = validator.validate_declarative_nodes_ci(folder)
    violations = [
        f"{item.file_path}:{item.line_number}: {item.violation_type.value}: {item.code_snippet}" for item in result.violations
    ]
    return DeclarativeNodes(bool(result.passed), int(result.files_checked), violations)


# --- RuntimeLocal ---------------------------------------------------------------------
@dataclass
class RuntimeRun:
    outcome: str  # EnumWorkflowResult's value: completed, failed, timeout...
    exit_code: int
    result: dict[str, Any]  # workflow_result.json: handler_result, terminal_payload, ...
    last_error: str | None
    events: list[tuple[str, Any]] = field(default_factory=list)  # (topic, payload) the bus carried

    def on(self, topic: str) -> list[Any]:
        return [payload for seen, payload in self.events if seen == topic]


def run_on_runtime(
    folder: Path,
    package: str,
    request: dict[str, Any],
    state_root: Path,
    timeout: int = 20,
    before_command: Callable[[Any], Awaitable[None]] | None = None,
) -> RuntimeRun:
    """Run ``folder/package/contract.yaml`` on ``RuntimeLocal`` with ``request`` as its input.

    ``before_command`` is awaited with the runtime's bus once every handler is
    subscribed, just before the command goes out (what else arrives during a run).

    ``folder`` (the output folder, where the packages and their support package sit) is
    on ``sys.path`` for the run only; the modules imported from it are forgotten after,
    so another folder with the same package names can run next.
    """
    from omnibase_core.runtime.runtime_local import RuntimeLocal

    class ObservedRuntimeLocal(RuntimeLocal):
        """RuntimeLocal as is, keeping the in-memory bus its own factory creates."""

        bus: Any = None

        def _create_event_bus(self) -> Any:
            self.bus = bus = super()._create_event_bus()
            if before_command is not None:
                publish, command = bus.publish, self._contract["event_bus"]["subscribe_topics"][0]
                held = [before_command]

                async def publishing(topic: str, key: bytes | None, value: bytes, headers: Any = None) -> None:
                    if topic == command and held:
                        await held.pop()(bus)
                    await publish(topic, key, value, headers)

                bus.publish = publishing
            return bus

    state_root.mkdir(parents=True, exist_ok=True)
    request_file = state_root / "request.json"
    request_file.write_text(json.dumps(request), encoding="utf-8")
    with importable(folder):
        runtime = ObservedRuntimeLocal(
            folder / package / "contract.yaml", state_root=state_root, input_path=request_file, timeout=timeout
        )
        outcome = runtime.run()
        events: list[tuple[str, Any]] = []
        if runtime.bus is not None:
            for message in asyncio.run(runtime.bus.get_event_history()):
                events.append((message.topic, json.loads(message.value)))
    written = state_root / "workflow_result.json"
    result = json.loads(written.read_text(encoding="utf-8")) if written.is_file() else {}
    return RuntimeRun(str(outcome.value), int(runtime.exit_code), result, runtime.last_error, events)


def pytest_in(folder: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """pytest in ``folder`` (an output folder) with ``arguments``: a generated package's own tests."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function",
         *arguments],
        cwd=folder, capture_output=True, text=True, timeout=600, check=False,
    )


@contextmanager
def importable(folder: Path) -> Iterator[None]:
    """``folder`` first on ``sys.path``; the modules loaded from it are dropped on exit."""
    entry = str(folder.resolve())
    sys.path.insert(0, entry)
    try:
        yield
    finally:
        sys.path.remove(entry)
        for name, module in list(sys.modules.items()):
            places = [getattr(module, "__file__", None) or "", *(getattr(module, "__path__", None) or [])]
            if any(str(place).startswith(entry + "/") for place in places):
                del sys.modules[name]


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=CLI_TIMEOUT_S, check=False)
