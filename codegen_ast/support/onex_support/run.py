"""Run a node package on the framework's RuntimeLocal:

    python -m onex_support.run out/node_order_book_effect/contract.yaml --input request.json

The folder holding the package (and onex_support) goes on sys.path; the result
(``workflow_result.json``: the outcome, the handler's answer, the terminal event)
is written under --state-root and printed. Exit code: RuntimeLocal's.
"""

import argparse
import sys
from pathlib import Path

from omnibase_core.runtime.runtime_local import RuntimeLocal


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m onex_support.run")
    parser.add_argument("contract", type=Path, help="the node package's contract.yaml")
    parser.add_argument(
        "--input", type=Path, help="JSON file with the request's fields"
    )
    parser.add_argument("--state-root", type=Path, default=Path(".onex_state"))
    parser.add_argument("--timeout", type=int, default=60)
    args = parser.parse_args(argv)
    contract: Path = args.contract.resolve()
    sys.path.insert(0, str(contract.parent.parent))
    runtime = RuntimeLocal(
        contract,
        state_root=args.state_root,
        input_path=args.input,
        timeout=args.timeout,
    )
    runtime.run()
    print((args.state_root / "workflow_result.json").read_text(encoding="utf-8"))
    return int(runtime.exit_code)


if __name__ == "__main__":
    sys.exit(main())
