"""Import the generated example node, send it one request, print what happens."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path


async def main(output_dir: Path) -> None:
    sys.path.insert(0, str(output_dir))
    from node_orders_effect import ModelOrdersInput, NodeOrdersEffect
    from omnibase_core.models.container.model_onex_container import ModelONEXContainer

    node = NodeOrdersEffect(ModelONEXContainer())
    await node.initialize()
    request = ModelOrdersInput(operation="create_order", order_id="A-1", amount=12.5)
    output = await node.process(request)
    print(f"process(create_order) -> {type(output).__name__}: result={output.result}")
    print(f"  processing_time_ms={output.processing_time_ms:.3f}")
    for check in node.get_health_checks():
        status = check()
        print(f"health check {getattr(check, '__name__', check)} -> {status.status}")
    print(f"metrics -> {node.get_operation_metrics()}")
    await node.cleanup()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1] if len(sys.argv) > 1 else "example-output")))
