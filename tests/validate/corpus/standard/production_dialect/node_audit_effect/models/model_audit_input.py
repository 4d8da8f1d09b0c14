"""Input of the audit effect node."""

from pydantic import BaseModel


class ModelAuditInput(BaseModel):
    """One audit record to append."""

    record: str = ""
