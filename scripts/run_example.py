"""Import the generated example node, send it one request, print what happens.

A declarative package (``handler.py`` beside its contract) is called as a library
through its entry handler, then its contract is run on the framework's RuntimeLocal
(``python -m onex_support.run``); an imperative one is called through ``process``.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REQUEST = {"operation": "create_order", "order_id": "A-1", "amount": 12.5}


async def declarative(output_dir: Path) -> None:
    from node_orders_effect import ModelOrdersInput, OrdersOperations

    node = OrdersOperations()  # a runtime passes its event bus: OrdersOperations(event_bus=bus)
    await node.initialize()
    answer = await node.handle(ModelOrdersInput(**REQUEST))
    print(f"handle(create_order) -> {type(answer).__name__}: {answer.model_dump(mode='json')}")
    print(f"health check -> {(await node.health_check()).status}")
    await node.shutdown()
    with tempfile.TemporaryDirectory() as state:
        request = Path(state) / "request.json"
        request.write_text(json.dumps(REQUEST), encoding="utf-8")
        contract = output_dir / "node_orders_effect" / "contract.yaml"
        command = [sys.executable, "-m", "onex_support.run", str(contract), "--input", str(request),
                   "--state-root", state]
        print(f"RuntimeLocal: python -m onex_support.run {contract} --input request.json")
        ran = subprocess.run(command, cwd=output_dir, capture_output=True, text=True, check=False)
        result = json.loads(ran.stdout[ran.stdout.index("{"):]) if "{" in ran.stdout else {}
        print(f"  exit {ran.returncode}, {result.get('result')}: "
              f"{json.dumps(result.get('handler_result'))}")
        if ran.returncode != 0:
            raise SystemExit(ran.stdout + ran.stderr)


async def imperative() -> None:
    from node_orders_effect import ModelOrdersInput, NodeOrdersEffect
    from omnibase_core.models.container.model_onex_container import ModelONEXContainer

    node = NodeOrdersEffect(ModelONEXContainer())
    await node.initialize()
    output = await node.process(ModelOrdersInput(**REQUEST))
    print(f"process(create_order) -> {type(output).__name__}: result={output.result}")
    print(f"  processing_time_ms={output.processing_time_ms:.3f}")
    for check in node.get_health_checks():
        status = check()
        print(f"health check {getattr(check, '__name__', check)} -> {status.status}")
    print(f"metrics -> {node.get_operation_metrics()}")
    await node.cleanup()


def main(output_dir: Path) -> None:
    sys.path.insert(0, str(output_dir))
    if (output_dir / "node_orders_effect" / "handler.py").is_file():
        asyncio.run(declarative(output_dir.resolve()))
    else:
        asyncio.run(imperative())


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "example-output"))
