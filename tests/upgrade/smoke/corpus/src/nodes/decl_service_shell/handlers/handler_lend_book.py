"""Handler that lends books."""


class HandlerLendBook:
    """Lends books."""

    async def handle(self, request: dict[str, object]) -> dict[str, object]:
        return {"lent": request["isbn"]}
