"""Handler that appends an audit record."""

from __future__ import annotations

from pathlib import Path

from acme.errors import AuditError  # expect: IMP004


class HandlerAuditWrite:
    """Appends one line per record to the audit file."""

    def __init__(self, path: Path = Path("audit.log")) -> None:
        self._path = path

    async def execute(self, envelope: dict[str, object]) -> dict[str, object]:
        """Append the envelope's record."""
        record = envelope.get("record")
        if not isinstance(record, str):
            raise AuditError("an audit envelope carries a record")
        with self._path.open("a", encoding="utf-8") as stream:
            stream.write(record + "\n")
        return {"success": True}
