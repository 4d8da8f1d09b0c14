"""The handler base of an orchestrator operation: a declared saga."""

from typing import Any, TypeVar

from omnibase_core.enums import EnumCoreErrorCode

from onex_support.errors import onex_error
from onex_support.events import DeclaredEvent, publish_event
from onex_support.handlers.operation import AnswerT, OperationHandler, RequestT
from onex_support.saga import SagaResources, SagaStep, check_stages, run_saga

__all__ = ["SagaHandler"]


SagaResourcesT = TypeVar("SagaResourcesT", bound=SagaResources)


class SagaHandler(OperationHandler[RequestT, AnswerT, SagaResourcesT]):
    """An orchestrator operation: its declared ``stages`` run as a saga (checked
    when the class is defined), then the answer (``answer_type``) is built from the
    request and the steps' answers. A failed compensation is published as
    ``compensation_failed``. A request never chooses the steps: one that carries
    steps of its own is refused."""

    stages: tuple[tuple[SagaStep, ...], ...]
    answer_type: type[AnswerT]
    compensation_failed: DeclaredEvent

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "stages" in cls.__dict__:
            check_stages(cls.__name__, cls.stages)
            if not isinstance(getattr(cls, "compensation_failed", None), DeclaredEvent):
                raise ValueError(
                    f"{cls.__name__}: a saga declares the compensation_failed event "
                    "its failed compensations are recorded on"
                )

    async def run(self, request: RequestT, resources: SagaResourcesT) -> AnswerT:
        if getattr(request, "steps", None):
            raise onex_error(
                f"operation {self.operation!r} runs the steps the node declares; "
                "a request cannot choose them",
                EnumCoreErrorCode.INVALID_INPUT,
                request.correlation_id,
                field="steps",
            )

        async def publish(event: DeclaredEvent, payload: dict[str, object]) -> bool:
            return await publish_event(
                self.event_bus, event, payload, request.correlation_id, resources
            )

        answers = await run_saga(
            self.operation,
            self.stages,
            fields=self.declared_fields(request),
            resources=resources,
            publish=publish,
            correlation_id=request.correlation_id,
            compensation_failed=self.compensation_failed,
        )
        return self.answer(request, answers)

    def answer(
        self, request: RequestT, answers: dict[str, dict[str, object]]
    ) -> AnswerT:
        """Each answer field from the last step answer that carries it (in the order
        the steps completed), else from the request's field of the same name."""
        names = set(self.answer_type.model_fields) - {"operation", "correlation_id"}
        values: dict[str, object] = {
            name: value
            for name, value in self.declared_fields(request).items()
            if name in names
        }
        for step_answer in answers.values():
            values.update({k: v for k, v in step_answer.items() if k in names})
        return self.answer_type.model_validate(
            {
                **values,
                "operation": request.operation,
                "correlation_id": request.correlation_id,
            }
        )
