"""The cart reducer: its models, resources and handlers (one module: a test package)."""

from pathlib import Path
from typing import Literal
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field

from onex_support import require_api
from onex_support.events import DeclaredEvent
from onex_support.fsm import PostgresStateStore, ReducerResources, StateMachine, Transition
from onex_support.handlers import OperationRouter, TransitionHandler
from onex_support.postgres import PostgresPool
from onex_support.resources import Registry

require_api(1)

CONTRACT = Path(__file__).resolve().parent / "contract.yaml"
CART_TRANSITIONED = DeclaredEvent("cart.transition", "onex.evt.cart.cart-transitioned.v1")


class ModelCartInput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    operation: Literal["add_item", "checkout"]
    correlation_id: UUID = Field(default_factory=uuid4)
    cart_id: str | None = None


class ModelCartOutput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    operation: str
    correlation_id: UUID
    cart_id: str | None = None
    state: str
    previous_state: str


class CartResources(ReducerResources):
    def __init__(self) -> None:
        self.postgres = PostgresPool()
        super().__init__("cart", StateMachine(CONTRACT, PostgresStateStore(self.postgres)), self.postgres)


REGISTRY: Registry[CartResources] = Registry(CartResources)


class CartTransition(TransitionHandler[ModelCartInput, ModelCartOutput, CartResources]):
    registry = REGISTRY
    transition_event = CART_TRANSITIONED
    entity_key = "cart_id"

    async def reduce(self, request: ModelCartInput, transition: Transition) -> ModelCartOutput:
        return ModelCartOutput(
            operation=request.operation,
            correlation_id=request.correlation_id,
            cart_id=request.cart_id,
            state=transition.to_state,
            previous_state=transition.from_state,
        )


class HandlerAddItem(CartTransition):
    operation = "add_item"


class HandlerCheckout(CartTransition):
    operation = "checkout"


class CartOperations(OperationRouter[ModelCartInput, ModelCartOutput]):
    routes = (HandlerAddItem, HandlerCheckout)
