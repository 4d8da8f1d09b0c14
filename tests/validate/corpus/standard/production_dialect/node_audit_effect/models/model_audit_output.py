"""Output of the audit effect node."""

from pydantic import BaseModel


class ModelAuditOutput(BaseModel):
    """Whether the record was appended."""

    success: bool = False
