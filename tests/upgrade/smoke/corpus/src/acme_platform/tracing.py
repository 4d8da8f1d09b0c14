"""Tracing every node of the platform shares."""


class TracingMixin:
    """Records the spans a node opened (synchronously)."""

    def trace(self, name: str) -> str:
        spans: list[str] = self.__dict__.setdefault("_spans", [])
        spans.append(name)
        return f"span-{len(spans)}"
