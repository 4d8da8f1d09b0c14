"""workflow: an orchestrator's declared steps run in order, concurrently where
declared, each within its timeout, with compensation on failure.

An operation may declare ``steps``: stages of one step, or of steps that run
together (``parallel``). Each step sends one HTTP call (through the node's
``http_call``) or publishes one event (through ``_publish_domain_event``),
within its own ``timeout_s`` (0.1 s to 5 min, the framework's per-step range);
it may declare a compensation that undoes it.

What is generated:

- ``workflows.py`` in the package: the step table (``WORKFLOWS``: operation ->
  stages -> ``ModelDeclaredStep``, whose action and compensation are
  ``ModelStepAction``; one model per file under ``models/``), module-level
  data, and ``plan_declared_steps``, which turns an operation's stages into the
  framework's ``ModelWorkflowStep`` list (each step depends on every step of
  the stage before; the steps of a stage share a parallel group; ids derive from
  the workflow id; ``error_action`` is ``compensate`` where a compensation is
  declared). The operation's handler ``plan`` returns it; its ``handle``
  answers each output field from the last step answer (a JSON object) that
  carries it, else from the request's field of that name.
- in ``node.py``, one generic runner: ``_run_declared_workflow`` runs the plan
  (the handler's, or the caller's ``request.steps`` naming declared steps) in
  stages computed from the plan's dependencies, the steps of a stage
  concurrently, each bounded by ``asyncio.timeout`` of its ``timeout_ms``.
  The first failure cancels the steps of its stage still running; then the
  completed steps, and the steps cut off in flight (cancelled, or out of time:
  their calls may still take effect at the other end), are compensated newest
  first (each within its step's time limit; a failing compensation is logged,
  counted and recorded, never hides the original error), and
  ``ModelOnexError`` is raised:
  ``ORCHESTRATOR_EXEC_STEP_TIMEOUT`` (the step's limit or its request's timeout
  ran out) or ``ORCHESTRATOR_EXEC_STEP_FAILED``, naming the step, with the
  correlation id, the completed, interrupted, compensated and not-compensated
  steps in its context, and the step's own error as cause. When every step has run, the
  handler builds the answer; if that fails, the steps are compensated too and
  ``ORCHESTRATOR_EXEC_WORKFLOW_FAILED`` is raised. Cancelling the operation
  compensates the completed and interrupted steps before the cancellation goes
  on. Path placeholders are filled from the request, URL-quoted; a request
  whose value for one is missing, ``''``, ``.`` or ``..`` is refused
  (``VALIDATION_ERROR``) before any step runs, since ``DELETE
  /reservations/..`` would be ``DELETE /``. A JSON answer's value that the
  framework's ``ModelSchemaValue`` cannot hold exactly (an integer beyond
  2**53) is kept as its JSON text rather than failing a step that took effect. A plan step
  with ``enabled=False`` is skipped (``skipped_steps``); a plan naming an
  undeclared step, or one step twice, is refused (``VALIDATION_ERROR``), and one whose dependencies
  can never be met too (``ORCHESTRATOR_SEMANTIC_INVALID_DEPENDENCY``). Metrics:
  ``steps_completed``, ``steps_failed``, ``steps_compensated``,
  ``compensations_failed``, tagged with the operation and the step.

Relation to the framework's executor: ``execute_workflow_from_contract`` only
plans and emits actions; it performs nothing. Operations that declare steps
therefore run on the node (their plan is still the framework's
``ModelWorkflowStep`` list, and their output carries the framework's fields:
``execution_status``, ``completed_steps`` / ``skipped_steps`` as step ids,
``step_outputs`` by step name, ``metrics``, ``parallel_executions``);
operations without steps keep the framework's executor.

A publish step whose event is not delivered (no event bus bound and no Kafka
producer, or the bus failed) fails the step: the workflow declared the event
as a step, so going on without it would break the saga. (Events published
*after* an operation, ``<node>.<operation>.completed``, still never fail it.)
A step cancelled while running (its stage had a failure) or out of time
counts as not completed, but its call may have reached the service (the
payment may go through after the client gave up), so it is compensated with
the completed steps; a compensation must therefore tolerate finding nothing to
undo.

Modules: ``common`` (names shared by the others), ``describe`` (the steps in
words), ``steps`` (``workflows.py``: the step table, its models, the planner),
``handler`` (the operation's handler), ``support`` (module-level helpers of
the runner in ``node.py``), ``runner`` (the node's methods that run the steps),
``tests`` (the package's own tests of its workflows).
"""
