"""Exercise the seed-era entry point, as callers of that API do."""

from typing import Any

from runner_samples import sample


async def exercise(node: Any) -> object:
    return await node.execute_compute(sample("compute"))
