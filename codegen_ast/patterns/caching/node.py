"""caching: cache-aside with a TTL for Compute and Reducer nodes.

Before (every request runs its handler)::

    output = await handler(request)

After::

    output = await self._answer_through_cache(request, handler)

For the operations the spec caches (``cache.operations``, default all), the
node looks the answer up under a key that hashes the node's name and version,
the operation and the request's declared fields (never its envelope:
correlation id, operation id, timestamps) -- and for a Reducer also the state
reduced so far, since its answer depends on it. A hit rebuilds the typed output
from the cached JSON with this request's operation and correlation ids and the
handler does not run; a miss runs the handler and stores its declared output
fields for the TTL. A Reducer's hit then updates the reduced state exactly as
computing would, because the routing path treats both answers alike.

The backend is the framework's ``MixinCaching`` (in-process L1, part of the
Compute and Reducer wrappers), or Redis (``SET ... EX ttl``, keys prefixed with
the node name) when the node has the redis integration. MixinCaching drops an
expired entry only when its key is read again, so the node keeps it within
``CACHE_MAX_ENTRIES``: at the bound the expired entries are swept and, if that
is not enough, the oldest tenth is dropped (``cache_evictions``). ``CACHE_TTL_S``
(default: the spec's ``ttl_s``) and ``CACHE_ENABLED`` configure it from the
environment. A cache that fails -- Redis down, an entry that no longer fits the
output model -- is logged with the correlation id and counted in
``cache_failures``; the operation is then answered by computing, never failed.
``clear_operation_cache(operation)`` drops cached answers on demand.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import libcst as cst

from codegen_ast.patterns import idioms
from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.patterns.idioms import Setting, setting, setting_constants
from codegen_ast.spec import NodeSpec
from codegen_ast.target import ERROR_CODE, LOG_LEVEL, ONEX_ERROR


Statements = list[cst.BaseStatement]


COUNTERS = ("cache_hits", "cache_misses", "cache_failures")
EVICTIONS = "cache_evictions"  # the in-process cache only: Redis bounds itself (maxmemory)
MAX_ENTRIES = 10000
ANSWER_METHOD = "_answer_through_cache"
_OFF_VALUES = ("0", "false", "no", "off")


# declared detail a state machine carries as written; a cached node has no state machine
_DECLARED_ONLY: dict[str, Any] = {
    "terminal_states": True, "name": True, "state_details": True,
    "transitions": {"__all__": {"description", "conditions", "actions"}},
}

def behaviour_fingerprint(spec: NodeSpec) -> str:
    """12 hex digits of a SHA-256 over what the spec says about the answers (node, operations,
    fields with their types and formulas, state machine), not its free text."""
    material = {
        "node": [spec.name, spec.node_type],
        "operations": [operation.model_dump(mode="json", exclude={"description", "written"}) for operation in spec.operations],
        "inputs": [field.model_dump(mode="json", exclude={"description"}) for field in spec.input_fields],
        "outputs": [field.model_dump(mode="json", exclude={"description"}) for field in spec.output_fields],
        "state_machine": None if spec.state_machine is None else spec.state_machine.model_dump(mode="json", exclude=_DECLARED_ONLY),
    }
    canonical = json.dumps(material, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def cached_operations(context: NodeContext) -> list[str]:
    """The operations whose answers are cached: the spec's list, else all."""
    cache = context.spec.cache
    if cache is not None and cache.operations:
        return [op for op in context.operations if op in cache.operations]
    return list(context.operations)


def uses_redis(context: NodeContext) -> bool:
    return "redis" in context.selection.integrations


def cached_handler_call(context: NodeContext) -> cst.BaseExpression:
    """What ``run`` awaits instead of the bare handler call when caching is selected."""
    arguments: list[b.ExprLike] = ["request", "handler"]
    if context.kind.keeps_state:
        arguments.append("self._reduced")
    return b.await_(b.call(f"self.{ANSWER_METHOD}", *arguments))


def _handler_alias(context: NodeContext) -> str:
    # the type alias of one entry of self._handlers (module constant of the routing pattern)
    return f"{context.spec.camel}Handler"


def is_reducer(context: NodeContext) -> bool:
    return context.kind.keeps_state


CACHE_TIMEOUT_S = "0.25"  # default bound of one Redis cache read or write, in seconds


def _state_param(context: NodeContext) -> list[Param]:
    if not is_reducer(context):
        return []
    return [Param("state", b.binop(context.output_model, "|", "None"))]


def _constants(context: NodeContext) -> Statements:
    settings = (
        Setting("CACHE_TTL_S", str(context.spec.cache_ttl_s)),
        Setting("CACHE_ENABLED", "true"),
        *((Setting("CACHE_TIMEOUT_S", CACHE_TIMEOUT_S),) if uses_redis(context) else (Setting("CACHE_MAX_ENTRIES", str(MAX_ENTRIES)),)),
    )
    request_base = context.kind.input_model.name
    return [
        *setting_constants(settings),
        b.assign("CACHE_OFF_VALUES", b.call("frozenset", b.set_(*(b.string_literal(v) for v in _OFF_VALUES)))),
        b.assign(
            "CACHED_OPERATIONS",
            b.call("frozenset", b.set_(*(b.string_literal(context.spec.routed(op)) for op in cached_operations(context)))),
            b.annotation("frozenset[str]"),
        ),
        b.with_leading_comment(
            b.assign("CACHE_KEY_VERSION", b.string_literal(f"{context.spec.version}+{behaviour_fingerprint(context.spec)}")),
            "the node version and a digest of what its spec declares: a regenerated node that answers "
            "differently never reads what the older one cached (after editing a handler by hand, bump the version)",
        ),
        b.assign("CACHE_KEY_PREFIX", b.string_literal(f"{context.spec.name}:cache:")),
        # the request's envelope (ids, timestamps, framework knobs) does not change the answer
        b.assign(
            "_CACHE_IGNORED_FIELDS",
            b.binop(
                b.call("set", f"{request_base}.model_fields"),
                "|",
                b.set_(b.string_literal("operation"), b.string_literal("correlation_id")),
            ),
        ),
    ]


def _init_statements(context: NodeContext) -> Statements:
    enabled = b.compare(
        b.call(b.attr(b.call(b.attr(setting("CACHE_ENABLED"), "strip")), "lower")),
        "not in",
        "CACHE_OFF_VALUES",
    )
    bound: Statements = []
    if uses_redis(context):
        bound = [
            b.with_leading_comment(
                b.assign("self._cache_timeout_s", b.call("float", setting("CACHE_TIMEOUT_S"))),
                "a cache read or write that takes longer is given up: a hung Redis must not hold up the operation",
            )
        ]
    else:
        bound = [
            b.assign("self._cache_max_entries", b.call("max", b.literal(1), b.call("int", setting("CACHE_MAX_ENTRIES")))),
            b.with_leading_comment(
                b.assign("self._cache_entries", b.literal(0)),
                "at least the entries the cache holds (a rewrite or a lapsed entry is counted until the next sweep)",
            ),
        ]
    return [
        b.assign("self._cache_ttl_s", b.call("int", setting("CACHE_TTL_S"))),
        # CACHE_ENABLED=0 (or a TTL of 0) switches the cache off: every request is computed
        b.assign("self._cache_active", b.and_(b.compare("self._cache_ttl_s", ">", b.literal(0)), enabled)),
        *bound,
    ]


def _answer(context: NodeContext) -> cst.FunctionDef:
    compute = context.kind.computes
    arguments: list[b.ExprLike] = ["request", *(["state"] if is_reducer(context) else [])]
    compute_now = b.await_(b.call("handler", *arguments))
    bypass = b.or_(
        b.not_("self._cache_active"),
        *([b.not_("request.cache_enabled")] if compute else []),
        b.compare("request.operation", "not in", "CACHED_OPERATIONS"),
    )
    lookup_ms = b.binop(b.parens(b.binop(b.call("time.perf_counter"), "-", "looked_up")), "*", b.literal(1000.0))
    hit: b.ExprLike = b.name("cached")
    computed: b.ExprLike = b.name("output")
    if compute:
        # ModelComputeOutput's own fields tell the caller how the answer was found
        hit = b.call("cached.model_copy", update=b.dict_({"cache_hit": b.name("True"), "cache_lookup_time_ms": b.name("lookup_ms")}))
        computed = b.call("output.model_copy", update=b.dict_({"cache_lookup_time_ms": b.name("lookup_ms")}))
    tags = b.dict_({"operation": b.dotted("request.operation")})
    body: Statements = [
        b.if_(bypass, [b.return_(compute_now)]),
        b.assign("tags", tags, b.annotation("dict[str, str]")),
        *([b.assign("looked_up", b.call("time.perf_counter"))] if compute else []),
        b.assign("key", b.call("self._cache_key", *arguments)),
        b.assign(
            b.tuple_("cached", "reachable").with_changes(lpar=[], rpar=[]),
            b.await_(b.call("self._read_cache", "key", "request")),
        ),
        *([b.assign("lookup_ms", lookup_ms)] if compute else []),
        b.if_(
            b.compare("cached", "is not", "None"),
            [idioms.count("METRIC_CACHE_HITS", tags="tags"), b.return_(hit)],
        ),
        b.assign("output", compute_now),
        # an unreachable cache was counted as a failure: do not wait on it a second time
        b.if_(
            "reachable",
            [
                idioms.count("METRIC_CACHE_MISSES", tags="tags"),
                b.do(b.await_(b.call("self._write_cache", "key", "output", "request"))),
            ],
        ),
        b.return_(computed),
    ]
    state_doc = " (given the reduced ``state``)" if is_reducer(context) else ""
    return b.method(
        ANSWER_METHOD,
        [Param("request", context.input_model), Param("handler", _handler_alias(context)), *_state_param(context)],
        body,
        returns=context.output_model,
        is_async=True,
        doc=(
            f"Cache-aside: the answer to a request of a cached operation{state_doc} is reused for "
            "CACHE_TTL_S seconds, so its handler runs once; a cache failure is logged and counted, "
            "and the request is computed."
        ),
    )


def _cache_key(context: NodeContext) -> cst.FunctionDef:
    material: dict[str, b.ExprLike] = {
        "node": b.name("NODE_NAME"),
        "version": b.name("CACHE_KEY_VERSION"),
        "operation": b.dotted("request.operation"),
        "request": b.call("request.model_dump", mode=b.string_literal("json"), exclude="_CACHE_IGNORED_FIELDS"),
    }
    if is_reducer(context):
        material["state"] = b.if_exp(
            b.compare("state", "is", "None"),
            "None",
            b.call("state.model_dump", mode=b.string_literal("json"), exclude="_ENVELOPE_FIELDS"),
        )
    canonical = b.call(
        "json.dumps", "material", sort_keys="True", separators=b.tuple_(b.string_literal(","), b.string_literal(":"))
    )
    digest = b.call(b.attr(b.call("hashlib.sha256", b.call(b.attr(canonical, "encode"), b.string_literal("utf-8"))), "hexdigest"))
    state_doc = " and the reduced state it applies to" if is_reducer(context) else ""
    return b.method(
        "_cache_key",
        [Param("request", context.input_model), *_state_param(context)],
        [
            b.assign("material", b.dict_(material), b.annotation("dict[str, object]")),
            b.assign("digest", digest),
            b.return_(b.formatted_string(b.name("CACHE_KEY_PREFIX"), b.dotted("request.operation"), ":", b.name("digest"))),
        ],
        returns="str",
        doc=(
            "Where the answer to ``request`` is cached: a SHA-256 of the node, its version, the "
            f"operation, the request's declared fields (not its ids or timestamps){state_doc}."
        ),
    )


def _failed(step: str) -> cst.BaseStatement:
    return b.do(b.call("self._cache_failed", b.string_literal(step), "key", "error", "request"))


def _read_cache(context: NodeContext) -> cst.FunctionDef:
    output = context.output_model
    decode = b.try_(
        [b.assign("cached", b.call(f"{output}.model_validate_json", "text"))],
        [b.except_("ValidationError", [_failed("decode"), b.return_(b.tuple_("None", "True"))], as_name="error")],
    )
    envelope = b.call(
        "cached.model_copy",
        update=b.dict_(
            {"operation_id": b.dotted("request.operation_id"), "correlation_id": b.dotted("request.correlation_id")}
        ),
    )
    if uses_redis(context):
        fetch: Statements = [
            b.try_(
                [
                    b.with_(
                        [(b.call("asyncio.timeout", "self._cache_timeout_s"), None)],
                        [b.assign("text", b.await_(b.call("self.cache_get", "key")))],
                        is_async=True,
                    )
                ],
                [
                    b.except_(
                        ["redis.exceptions.RedisError", "ModelOnexError", "OSError", "TimeoutError"],
                        [_failed("read"), b.return_(b.tuple_("None", "False"))],
                        as_name="error",
                    )
                ],
            ),
            b.if_(b.compare("text", "is", "None"), [b.return_(b.tuple_("None", "True"))]),
        ]
        where = "Redis"
    else:
        # MixinCaching degrades by itself: a lookup never raises
        fetch = [
            b.assign("text", b.await_(b.call("self.get_cached", "key"))),
            b.if_(b.not_(b.call("isinstance", "text", "str")), [b.return_(b.tuple_("None", "True"))]),
        ]
        where = "the node's MixinCaching cache"
    return b.method(
        "_read_cache",
        [Param("key", "str"), Param("request", context.input_model)],
        [*fetch, decode, b.return_(b.tuple_(envelope, "True"))],
        returns=b.subscript("tuple", b.binop(output, "|", "None"), "bool"),
        is_async=True,
        doc=(
            f"The answer cached in {where} under ``key``, carrying this request's ids (None on a miss), "
            "and whether the cache could be read; a failure is logged and counted, never raised."
        ),
    )


def _write_cache(context: NodeContext) -> cst.FunctionDef:
    text = b.call("output.model_dump_json", exclude="_ENVELOPE_FIELDS")
    if uses_redis(context):
        store = b.call("self.cache_set", "key", "text", ttl_s="self._cache_ttl_s")
        store = b.call("asyncio.wait_for", store, "self._cache_timeout_s")
        errors: list[b.ExprLike] = ["redis.exceptions.RedisError", "ModelOnexError", "OSError", "ValueError", "TimeoutError"]
        where = "Redis (SET with EX)"
    else:
        store = b.call("self.set_cached", "key", "text", ttl_seconds="self._cache_ttl_s")
        errors = ["ValueError"]
        where = "the node's MixinCaching cache (within CACHE_MAX_ENTRIES)"
    body: Statements = []
    doc_tail = ""
    if is_reducer(context):
        body.append(
            b.with_leading_comment(
                b.if_("output.intents", [b.return_()]),
                "intents carry live payload objects that JSON cannot bring back: such answers are computed each time",
            )
        )
        doc_tail = " An answer that emits intents is not cached."
    stored: Statements = [b.assign("text", text), b.do(b.await_(store))]
    if not uses_redis(context):
        stored = [
            b.assign("text", text),
            b.do(b.await_(b.call("self._make_cache_room"))),
            b.do(b.await_(store)),
            b.augment("self._cache_entries", "+=", b.literal(1)),
        ]
    body.append(b.try_(stored, [b.except_(errors, [_failed("write")], as_name="error")]))
    return b.method(
        "_write_cache",
        [Param("key", "str"), Param("output", context.output_model), Param("request", context.input_model)],
        body,
        returns="None",
        is_async=True,
        doc=(
            f"Store the declared output fields under ``key`` in {where} for CACHE_TTL_S seconds; "
            f"a failure is logged and counted, never raised.{doc_tail}"
        ),
    )


def _sliced(
    value: str, lower: cst.BaseExpression | None = None, upper: cst.BaseExpression | None = None
) -> cst.Subscript:
    """``value[lower:upper]``"""
    return cst.Subscript(value=b.name(value), slice=[cst.SubscriptElement(cst.Slice(lower=lower, upper=upper))])


def _make_room() -> cst.FunctionDef:
    dropped = b.binop(
        b.binop(b.call("len", "keys"), "-", "self._cache_max_entries"),
        "+",
        b.call("max", b.literal(1), b.binop("self._cache_max_entries", "//", b.literal(10))),
    )
    return b.method(
        "_make_cache_room",
        [],
        [
            b.if_(b.compare("self._cache_entries", "<", "self._cache_max_entries"), [b.return_()]),
            b.with_leading_comment(
                b.assign("keys", b.subscript(b.call("self.get_cache_stats"), b.string_literal("keys"))),
                "get_cache_stats sweeps the expired entries first; the keys come oldest first",
            ),
            b.if_(
                b.compare(b.call("len", "keys"), ">=", "self._cache_max_entries"),
                [
                    b.with_leading_comment(
                        b.assign("dropped", dropped), "down to nine tenths of the bound: room for the next writes"
                    ),
                    b.assign("oldest", _sliced("keys", upper=b.name("dropped"))),
                    b.for_("key", "oldest", [b.do(b.await_(b.call("self.invalidate_cache", "key")))]),
                    idioms.count("METRIC_CACHE_EVICTIONS", b.call("len", "oldest")),
                    b.assign("keys", _sliced("keys", lower=b.call("len", "oldest"))),
                ],
            ),
            b.assign("self._cache_entries", b.call("len", "keys")),
        ],
        returns="None",
        is_async=True,
        doc=(
            "Keep the in-process cache within CACHE_MAX_ENTRIES: MixinCaching drops an expired entry only "
            "when its key is read again. At the bound the expired entries are swept and, when that is not "
            "enough, the oldest tenth is dropped (cache_evictions), so the sweep runs once per so many writes."
        ),
    )


def _cache_failed(context: NodeContext) -> cst.FunctionDef:
    message = b.formatted_string(
        "cache ",
        b.name("step"),
        " failed, answering without the cache: ",
        b.attr(b.call("type", "error"), "__name__"),
        ": ",
        b.name("error"),
    )
    return b.method(
        "_cache_failed",
        [Param("step", "str"), Param("key", "str"), Param("error", "Exception"), Param("request", context.input_model)],
        [
            idioms.count("METRIC_CACHE_FAILURES", tags=b.dict_({"operation": b.dotted("request.operation"), "step": b.name("step")})),
            idioms.log("WARNING", message, "request.correlation_id", operation="request.operation", cache_key="key"),
        ],
        returns="None",
        doc="Log and count a cache failure; the operation goes on without the cache.",
    )


def _clear(context: NodeContext) -> cst.FunctionDef:
    unknown = b.if_(
        b.and_(b.compare("operation", "is not", "None"), b.compare("operation", "not in", "SUPPORTED_OPERATIONS")),
        [
            idioms.raise_error(
                b.formatted_string(
                    "unknown operation ", (b.name("operation"), "r"), f"; expected one of {', '.join(context.spec.routed(op) for op in context.operations)}"
                ),
                "INVALID_OPERATION",
                operation="operation",
            )
        ],
    )
    prefix = b.assign(
        "prefix",
        b.if_exp(
            b.compare("operation", "is", "None"),
            "CACHE_KEY_PREFIX",
            b.formatted_string(b.name("CACHE_KEY_PREFIX"), b.name("operation"), ":"),
        ),
    )
    if uses_redis(context):
        not_started = b.if_(
            b.compare("client", "is", "None"),
            [
                idioms.raise_error("redis is not initialised: await node.initialize() first", "CACHE_CONNECTION_ERROR")
            ],
        )
        scan = b.for_(
            "key",
            b.call("client.scan_iter", match=b.formatted_string(b.name("prefix"), "*")),
            [b.augment("removed", "+=", b.await_(b.call("client.delete", "key")))],
        ).with_changes(asynchronous=cst.Asynchronous())
        failed = idioms.raise_error(
            b.formatted_string(
                "clearing cached answers failed: ", b.attr(b.call("type", "error"), "__name__"), ": ", b.name("error")
            ),
            "CACHE_OPERATION_FAILED",
            cause="error",
        )
        body: Statements = [
            unknown,
            prefix,
            b.assign("client", "self._redis"),
            not_started,
            b.assign("removed", b.literal(0)),
            b.try_([scan], [b.except_("redis.exceptions.RedisError", [failed], as_name="error")]),
            b.return_("removed"),
        ]
        where = "from Redis"
    else:
        keys = b.list_comp(
            "key",
            "key",
            b.subscript(b.call("self.get_cache_stats"), b.string_literal("keys")),
        )
        keys = keys.with_changes(
            for_in=keys.for_in.with_changes(ifs=[cst.CompIf(b.call("key.startswith", "prefix"))])
        )
        body = [
            unknown,
            prefix,
            b.assign("keys", keys),
            b.for_("key", "keys", [b.do(b.await_(b.call("self.invalidate_cache", "key")))]),
            b.return_(b.call("len", "keys")),
        ]
        where = "from the node's MixinCaching cache"
    return b.method(
        "clear_operation_cache",
        [Param("operation", b.annotation("str | None"), "None")],
        body,
        returns="int",
        is_async=True,
        doc=(
            f"Drop the cached answers of ``operation`` (of every operation when None) {where}; "
            "returns how many were dropped."
        ),
    )


def build_caching(context: NodeContext) -> Contribution:
    """Cache-aside for the node's cached operations (see the module docstring)."""
    if not context.kind.caches:
        raise ValueError(f"caching is generated for compute and reducer nodes, not {context.spec.node_type} nodes")
    if not uses_redis(context) and "MixinCaching" not in context.selection.provides:
        raise ValueError("caching needs the redis integration or MixinCaching among the node's mixins")
    imports = {
        ("hashlib", ""),
        ("json", ""),
        ("os", ""),
        ("time", ""),
        ("pydantic", "ValidationError"),
        LOG_LEVEL,
        ONEX_ERROR,
        ERROR_CODE,
    }
    if uses_redis(context):
        imports |= {("redis.exceptions", ""), ("asyncio", "")}
    return Contribution(
        imports=imports,
        module_statements=_constants(context),
        init_statements=_init_statements(context),
        methods=[
            _answer(context),
            _cache_key(context),
            _read_cache(context),
            _write_cache(context),
            *([] if uses_redis(context) else [_make_room()]),
            _cache_failed(context),
            _clear(context),
        ],
        counters=[*COUNTERS, *([] if uses_redis(context) else [EVICTIONS])],
    )
