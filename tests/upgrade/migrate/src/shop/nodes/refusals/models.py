"""Models for the nodes the migration refuses."""

from uuid import UUID, uuid4

from pydantic import BaseModel, Field


class ModelRequest(BaseModel):
    operation: str
    correlation_id: UUID = Field(default_factory=uuid4)


class ModelBareRequest(BaseModel):
    operation: str


class ModelAnswer(BaseModel):
    operation: str
