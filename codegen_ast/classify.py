"""The node type, inferred from what a spec declares when it does not say.

Two kinds of evidence. **Declarations** only one or two node types can carry
decide alone: a database table or an HTTP endpoint (effect), workflow steps
(orchestrator), a state machine (reducer), a formula or a cache (compute or
reducer; a formula that reads its own output field is a running value:
reducer), a variant, a mixin of one node type. **Hints** weigh what the rest
says: a contract key that only one of the framework's contract models has
(``algorithm`` is ModelContractCompute's, ``aggregation`` ModelContractReducer's...),
a name ending in the node type (``..._reducer``),
dependencies that reach outside (postgres, http, kafka, consul, redis: side
effects), consumed or published events, a formula over the input only (a pure
computation), and the verbs and nouns of the
operation names (2 points), the description's first word (3: by convention its
main verb, "Charges cards..."), and the rest of the description, the name and
the domain (1), e.g.
``send`` / ``store`` (effect), ``calculate`` / ``render`` (compute),
``aggregate`` / ``track`` (reducer), ``coordinate`` / ``saga`` (orchestrator).

Declarations narrow the candidates; hints rank what is left. A type is chosen
when it leads by at least :data:`MARGIN` points; otherwise the reader asks
(:class:`AmbiguousNodeType`, exit 2 naming the candidates and ``--type``)
instead of guessing. Declarations that exclude each other are an error.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from codegen_ast.errors import InputProblem, SpecError
from codegen_ast.spec import NODE_TYPES, VARIANT_NODE_TYPES
from codegen_ast.target import NODE_TYPE_MIXINS

MARGIN = 2
MIN_SCORE = 2

# contract keys that only one of omnibase-core's contract models has
# (tests/classification/test_classify.py derives them from the installed models)
CONTRACT_KEYS = {
    "effect": frozenset({
        "io_operations", "transaction_management", "retry_policies", "external_services",
        "side_effect_logging_enabled", "audit_trail_enabled", "backup_config", "idempotent_operations",
        "consistency_validation_enabled", "routing",
    }),
    "compute": frozenset({
        "algorithm", "deterministic_execution", "input_validation", "output_transformation",
        "intermediate_result_caching", "parallel_processing", "memory_optimization_enabled",
    }),
    "reducer": frozenset({
        "aggregation", "conflict_resolution", "reduction_operations", "state_management", "streaming",
        "incremental_processing", "order_preserving", "fingerprint", "partial_results_enabled",
        "result_caching_enabled", "memory_management", "state_machine",
    }),
    "orchestrator": frozenset({
        "action_emission", "conditional_branching", "consumed_events", "event_coordination", "event_registry",
        "published_events", "failure_isolation_enabled", "load_balancing_enabled", "metrics_collection_enabled",
        "monitoring_enabled",
    }),
}
# Production contracts carry keys their own model lacks (a compute contract with
# published_events), so a contract key hints (3 points) rather than decides; and
# io_operations, common in contracts of every type, hints least (1)
_WIDESPREAD_CONTRACT_KEYS = frozenset({"io_operations"})

_SIDE_EFFECT_DEPENDENCIES = {"postgres": 3, "http": 3, "kafka": 3, "consul": 3, "redis": 2}

# words (verbs and nouns) that say what a node does, by node type
_WORDS = {
    "effect": (
        "create insert save store persist write update delete remove fetch get read load query lookup find "
        "send email notify push publish call request upload download sync register charge pay refund post put "
        "database db sql table api http rest endpoint storage file disk webhook sms kafka redis postgres "
        "postgresql reserve book import export"
    ),
    "compute": (
        "calculate compute transform convert validate parse format render score rate classify estimate predict "
        "normalize hash encode decode encrypt decrypt quote rank sort filter match analyze evaluate tokenize "
        "summarize translate detect infer optimize simulate derive pure stateless formula algorithm inference "
        "ml learning"
    ),
    "reducer": (
        "aggregate accumulate reduce sum total count tally fold merge collect track tracker running rollup "
        "counter state status lifecycle history balance window dedupe deduplicate maintain percentile"
    ),
    "orchestrator": (
        "orchestrate coordinate workflow saga pipeline flow step stage sequence compensate dispatch fulfil "
        "fulfill onboard approval approve chain drive etl job"
    ),
}


def stem(word: str) -> str:
    """A crude English stem, enough to match ``sends``/``sending``/``send``."""
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not (suffix == "s" and word.endswith("ss")):
            word = word[: -len(suffix)] + replacement
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


_LEXICON: dict[str, str] = {stem(word): node_type for node_type, words in _WORDS.items() for word in words.split()}
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Evidence:
    node_types: frozenset[str]
    reason: str
    points: int = 0  # 0: a declaration (it narrows); > 0: a hint (it weighs)


@dataclass(frozen=True)
class Classification:
    node_type: str
    source: str  # "declared" | "flag" | "inferred"
    reasons: tuple[str, ...] = ()
    scores: tuple[tuple[str, int], ...] = ()

    def describe(self) -> str:
        if self.source != "inferred":
            return f"{self.node_type} ({'given by --type' if self.source == 'flag' else 'declared in the spec'})"
        return f"{self.node_type} (inferred: {'; '.join(self.reasons)})"

    def as_dict(self) -> dict[str, object]:
        return {"node_type": self.node_type, "source": self.source, "reasons": list(self.reasons),
                "scores": dict(self.scores)}


@dataclass
class _Tally:
    evidence: list[Evidence] = field(default_factory=list)

    def declare(self, node_types: Collection[str], reason: str) -> None:
        self.evidence.append(Evidence(frozenset(node_types), reason))

    def hint(self, node_type: str, points: int, reason: str) -> None:
        self.evidence.append(Evidence(frozenset({node_type}), reason, points))


class AmbiguousNodeType(SpecError):
    """The declarations leave several node types open, and the words do not settle it."""

    def __init__(self, path: Any, candidates: list[tuple[str, int, list[str]]]) -> None:
        self.candidates = [name for name, _, _ in candidates]
        lines = []
        for name, points, reasons in candidates:
            why = "; ".join(reasons) if reasons else "nothing points to it, nothing rules it out"
            lines.append(f"  {name} ({points} points): {why}")
        where = "set node_type in the file or pass" if path is not None else "pass"
        message = (
            f"cannot tell the node type: {' or '.join(self.candidates)}; {where} "
            f"--type {'|'.join(self.candidates)}\n" + "\n".join(lines)
        )
        super().__init__([InputProblem(path, None, "node_type", message)])


def _words(text: object) -> list[str]:
    return _WORD.findall(str(text).lower().replace("_", " ")) if isinstance(text, str) else []


def _items(data: Mapping[str, Any], key: str) -> list[Any]:
    """``data[key]`` when it is a list, else nothing: the spec's own check says what is wrong with it."""
    value = data.get(key)
    return value if isinstance(value, list) else []


def _collect(data: Mapping[str, Any], contract_keys: Collection[str]) -> _Tally:
    tally = _Tally()
    operations = [op for op in _items(data, "operations") if isinstance(op, dict | str)]
    named = [op if isinstance(op, str) else op.get("name") for op in operations]
    if isinstance(data.get("database"), dict):
        tally.declare({"effect"}, f"database table {data['database'].get('table')!r} is declared: only effect nodes talk to a database")
    for op, name in zip(operations, named, strict=True):
        if isinstance(op, dict) and op.get("http"):
            tally.declare({"effect"}, f"operation {name!r} calls an HTTP endpoint: only effect nodes do")
            break
    for op, name in zip(operations, named, strict=True):
        if isinstance(op, dict) and op.get("steps"):
            tally.declare({"orchestrator"}, f"operation {name!r} declares workflow steps: only orchestrators run steps")
            break
    if data.get("state_machine"):
        tally.declare({"reducer"}, "a state machine is declared: reducers run state machines")
    outputs = [f for f in _items(data, "output_fields") if isinstance(f, dict)]
    output_names = {f.get("name") for f in outputs if isinstance(f.get("name"), str)}
    for output in outputs:
        formula = output.get("formula")
        if isinstance(formula, str):
            read = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", formula)) & output_names
            if read:
                tally.declare({"reducer"}, f"formula of {output.get('name')!r} reads the output {sorted(read)[0]!r} so far: a running value is reduced")
            else:
                tally.declare({"compute", "reducer"}, f"output {output.get('name')!r} has a formula: compute and reducer nodes compute formulas")
                tally.hint("compute", 2, f"the formula of {output.get('name')!r} reads the input only: a pure computation")
            break
    if data.get("cache"):
        tally.declare({"compute", "reducer"}, "a cache is declared: cache-aside is for compute and reducer nodes")
    variant = data.get("variant")
    if isinstance(variant, str) and variant in VARIANT_NODE_TYPES:
        tally.declare({VARIANT_NODE_TYPES[variant]}, f"variant {variant!r} is a {VARIANT_NODE_TYPES[variant]} profile")
    for mixin in _items(data, "mixins"):
        if isinstance(mixin, str) and mixin in NODE_TYPE_MIXINS:
            tally.declare({NODE_TYPE_MIXINS[mixin]}, f"mixin {mixin} belongs to {NODE_TYPE_MIXINS[mixin]} nodes")
    for key in sorted(contract_keys):
        owners = [t for t, keys in CONTRACT_KEYS.items() if key in keys]
        if len(owners) == 1:
            points = 1 if key in _WIDESPREAD_CONTRACT_KEYS else 3
            tally.hint(owners[0], points, f"contract key {key!r} belongs to the framework's {owners[0]} contract model")
    name = data.get("name")
    if isinstance(name, str):
        suffix = name.rsplit("_", 1)[-1]
        if suffix in NODE_TYPES and name != suffix:
            tally.hint(suffix, 5, f"the name {name!r} ends with {suffix!r}")

    for dependency in _items(data, "dependencies"):
        if isinstance(dependency, str) and dependency in _SIDE_EFFECT_DEPENDENCIES:
            tally.hint("effect", _SIDE_EFFECT_DEPENDENCIES[dependency], f"depends on {dependency}: a side effect outside the node")
    raw_events = data.get("events")
    events: Mapping[str, Any] = raw_events if isinstance(raw_events, dict) else {}
    if events.get("publishes"):
        tally.hint("effect", 1, "publishes events: a side effect")
    if events.get("subscribes"):
        tally.hint("reducer", 1, "consumes events: folding events into state is a reducer's work")

    sources = [(f"operation {n!r}", 2, _words(n)) for n in named if isinstance(n, str)]
    description = _words(data.get("description"))
    # a description starts with its main verb, by convention ("Charges cards...")
    sources += [("the description's first word", 3, description[:1]), ("description", 1, description[1:])]
    sources += [(key, 1, _words(data.get(key))) for key in ("name", "domain")]
    for where, points, words in sources:
        seen: set[str] = set()
        for word in words:
            node_type = _LEXICON.get(stem(word))
            if node_type is not None and word not in seen:
                seen.add(word)
                tally.hint(node_type, points, f"{where} says {word!r}")
    return tally


def classify(data: Mapping[str, Any], contract_keys: Collection[str] = (), *, path: Any = None) -> Classification:
    """The node type ``data`` (NodeSpec-shaped) is for; ``contract_keys`` are the
    top-level keys of the contract it was read from, if any."""
    tally = _collect(data, contract_keys)
    candidates = set(NODE_TYPES)
    declared = [e for e in tally.evidence if not e.points]
    for evidence in declared:
        if not candidates & evidence.node_types:
            earlier = "; ".join(e.reason for e in declared if e is not evidence)
            raise SpecError([InputProblem(path, None, "node_type", f"declarations exclude each other: {earlier}; but {evidence.reason}: remove one")])
        candidates &= evidence.node_types
    scores = {t: sum(e.points for e in tally.evidence if t in e.node_types and e.points) for t in NODE_TYPES}
    reasons = {t: [e.reason for e in tally.evidence if t in e.node_types] for t in NODE_TYPES}
    ranked = sorted(candidates, key=lambda t: (-scores[t], NODE_TYPES.index(t)))
    score_table = tuple((t, scores[t]) for t in ranked)
    if len(ranked) == 1:
        return Classification(ranked[0], "inferred", tuple(reasons[ranked[0]]), score_table)
    best, second = ranked[0], ranked[1]
    if scores[best] >= MIN_SCORE and scores[best] - scores[second] >= MARGIN:
        return Classification(best, "inferred", tuple(reasons[best]), score_table)
    raise AmbiguousNodeType(path, [(t, scores[t], reasons[t]) for t in ranked])


def settle_node_type(
    data: Mapping[str, Any], given: str | None = None, *, contract_keys: Collection[str] = (), path: Any = None
) -> tuple[dict[str, Any], Classification]:
    """``data`` with its node type: as stated, else ``given`` (``--type``), else inferred."""
    stated = data.get("node_type")
    if stated is not None:
        if given is not None and str(stated).lower() != given:
            raise SpecError([InputProblem(path, None, "node_type", f"the file says {stated!r} and --type says {given!r}: drop one")])
        return dict(data), Classification(str(stated), "declared")
    if given is not None:
        return {**data, "node_type": given}, Classification(given, "flag")
    classification = classify(data, contract_keys, path=path)
    return {**data, "node_type": classification.node_type}, classification
