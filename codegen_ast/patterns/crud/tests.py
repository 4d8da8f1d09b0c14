"""The generated package's own tests of CRUD operations (no database is started for them)."""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.target import ONEX_ERROR


def needs_database_test(node_class: str, operation: str, request: cst.Call) -> cst.FunctionDef:
    """Without a started database an operation fails with a typed error, not a crash."""
    return b.function(
        f"test_{operation}_needs_a_started_database",
        [Param("node", node_class)],
        [
            b.with_(
                [(b.call("pytest.raises", ONEX_ERROR.name), "caught")],
                [b.do(b.await_(b.call("node.process", request)))],
            ),
            b.assert_(b.compare("caught.value.error_code", "==", "EnumCoreErrorCode.DATABASE_CONNECTION_ERROR")),
        ],
        returns="None",
        is_async=True,
        decorators=["pytest.mark.asyncio"],
    )
