"""Stage 4, security: code patterns that let input run code, leak or weaken secrets.

Each rule carries its own ``valid`` / ``invalid`` examples (Fixit style); the
test suite checks that every invalid example yields exactly that rule and every
valid one yields nothing. Calls are matched by their canonical dotted name, so
``import pickle as p; p.loads(x)`` is seen as ``pickle.loads``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator

from codegen_ast.sensitive import looks_secret
from codegen_ast.validate.rules import Finding, Rule
from codegen_ast.validate.source import SourceFile, Workspace

Hit = tuple[ast.AST, str]  # where, message

EVAL_EXEC = Rule(
    "SEC001", "security", "error",
    "eval()/exec() runs arbitrary code",
    "parse data with json.loads / ast.literal_eval, or dispatch through a dict of allowed functions",
    valid=("import ast\n\ndef parse(text: str) -> object:\n    return ast.literal_eval(text)\n",
           "def run(job: object) -> None:\n    job.exec_query()  # type: ignore[attr-defined]\n"),
    invalid=("def calculate(expression: str) -> object:\n    return eval(expression)\n",
             "def run(code: str) -> None:\n    exec(code)\n"),
)
UNSAFE_DESERIALIZATION = Rule(
    "SEC002", "security", "error",
    "unpickling (pickle/marshal/shelve) runs code chosen by whoever wrote the data",
    "exchange data as JSON and validate it with the input model (Model.model_validate_json); "
    "never unpickle bytes that came from outside this process",
    valid=("import json\n\ndef decode(payload: bytes) -> object:\n    return json.loads(payload)\n",
           "import pickle\n\ndef encode(value: object) -> bytes:\n    return pickle.dumps(value)\n"),
    invalid=("import pickle\n\ndef decode(payload: bytes) -> object:\n    return pickle.loads(payload)\n",
             "import marshal as m\n\ndef decode(payload: bytes) -> object:\n    return m.loads(payload)\n",
             "import shelve\n\ndef open_store(path: str) -> object:\n    return shelve.open(path)\n"),
)
SHELL_COMMAND = Rule(
    "SEC003", "security", "error",
    "command run through a shell: input can inject commands",
    "pass the command as a list of arguments without shell=True "
    "(subprocess.run([\"ls\", path], check=True) / asyncio.create_subprocess_exec)",
    valid=("import subprocess\n\ndef listing(path: str) -> None:\n"
           "    subprocess.run([\"ls\", path], check=True, shell=False)\n",),
    invalid=("import subprocess\n\ndef listing(path: str) -> None:\n"
             "    subprocess.run(f\"ls {path}\", shell=True, check=True)\n",
             "import os\n\ndef listing(path: str) -> None:\n    os.system(\"ls \" + path)\n"),
)
HARDCODED_SECRET = Rule(
    "SEC004", "security", "error",
    "hard-coded password, token or key",
    "read the secret from the environment or a secret store at run time "
    "(os.environ[\"DB_PASSWORD\"]) and keep it out of the source",
    valid=("import os\n\nDB_PASSWORD = os.environ[\"DB_PASSWORD\"]\nTOKEN_TYPE = \"Bearer\"\n"
           "PASSWORD_ENV = \"DB_PASSWORD\"\napi_key = \"\"\n",),
    invalid=("DB_PASSWORD = \"hunter2\"\n",
             "def connect(host: str, api_key: str = \"sk-live-123\") -> None:\n    return None\n",
             "def settings() -> dict[str, str]:\n    return {\"user\": \"app\", \"password\": \"s3cret\"}\n",
             "def login(client: object) -> None:\n    client.auth(token=\"ghp_abc123\")  # type: ignore[attr-defined]\n"),
)
SQL_INJECTION = Rule(
    "SEC005", "security", "error",
    "SQL built by formatting or concatenation reaches the database",
    "keep the SQL text constant and pass values as parameters "
    "(asyncpg: conn.fetch(\"... WHERE id = $1\", order_id); DB-API: cursor.execute(\"... = ?\", (order_id,)))",
    valid=("async def find(conn: object, order_id: str) -> object:\n"
           "    return await conn.fetch(\"SELECT * FROM orders WHERE id = $1\", order_id)  # type: ignore[attr-defined]\n",),
    invalid=("async def find(conn: object, order_id: str) -> object:\n"
             "    return await conn.fetch(f\"SELECT * FROM orders WHERE id = '{order_id}'\")  # type: ignore[attr-defined]\n",
             "import sqlite3\n\ndef find(cursor: sqlite3.Cursor, name: str) -> None:\n"
             "    query = \"SELECT * FROM users WHERE name = '%s'\" % name\n    cursor.execute(query)\n",
             "import sqlite3\n\ndef drop(cursor: sqlite3.Cursor, table: str) -> None:\n"
             "    cursor.execute(\"DROP TABLE \" + table)\n"),
)
TLS_VERIFICATION_OFF = Rule(
    "SEC006", "security", "error",
    "TLS certificate verification is turned off",
    "keep verification on; for a private CA pass its bundle "
    "(httpx.AsyncClient(verify=\"/path/ca.pem\"), ssl.create_default_context(cafile=...))",
    valid=("import httpx\n\nclient = httpx.AsyncClient(verify=True)\n",
           "import ssl\n\ncontext = ssl.create_default_context()\n"),
    invalid=("import httpx\n\nclient = httpx.AsyncClient(verify=False)\n",
             "import ssl\n\ncontext = ssl.create_default_context()\ncontext.verify_mode = ssl.CERT_NONE\n",
             "import ssl\n\ncontext = ssl._create_unverified_context()\n"),
)
SWALLOWED_ERROR = Rule(
    "SEC007", "security", "warning",
    "exception handler swallows errors",
    "catch the specific exceptions you expect, and log, convert (ModelOnexError) or re-raise the rest",
    valid=("def read(path: str) -> str:\n    try:\n        return open(path).read()\n"
           "    except FileNotFoundError:\n        return \"\"\n",
           "def run(step: object) -> None:\n    try:\n        step.run()  # type: ignore[attr-defined]\n"
           "    except:\n        print(\"step failed\")\n        raise\n"),
    invalid=("def run(step: object) -> None:\n    try:\n        step.run()  # type: ignore[attr-defined]\n"
             "    except:\n        print(\"step failed\")\n",
             "def run(step: object) -> None:\n    try:\n        step.run()  # type: ignore[attr-defined]\n"
             "    except Exception:\n        pass\n"),
)
RULES = (
    EVAL_EXEC, UNSAFE_DESERIALIZATION, SHELL_COMMAND, HARDCODED_SECRET,
    SQL_INJECTION, TLS_VERIFICATION_OFF, SWALLOWED_ERROR,
)

_UNPICKLERS = frozenset(
    {f"{module}.{name}" for module in ("pickle", "_pickle", "cPickle", "dill", "cloudpickle")
     for name in ("load", "loads", "Unpickler")}
    | {"marshal.load", "marshal.loads", "shelve.open", "shelve.DbfilenameShelf", "jsonpickle.decode"}
)
_SHELL_CALLS = frozenset(
    {"os.system", "os.popen", "asyncio.create_subprocess_shell", "subprocess.getoutput",
     "subprocess.getstatusoutput", "commands.getoutput"}
)
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
_SQL_METHODS = frozenset(
    {"execute", "executemany", "executescript", "fetch", "fetchrow", "fetchval", "cursor", "prepare", "mogrify"}
)
_SQL_WORDS = re.compile(r"\b(select|insert|update|delete|create|drop|alter|truncate|merge|grant|with)\b", re.I)
_SWALLOWING = (ast.Pass, ast.Continue)


def check_security(workspace: Workspace) -> list[Finding]:
    findings: list[Finding] = []
    for source in workspace.sources:
        findings += check_source(source)
    return findings


def check_source(source: SourceFile) -> list[Finding]:
    if source.tree is None:
        return []
    _WALKED[id(source.tree)] = list(ast.walk(source.tree))  # one walk serves every rule
    try:
        aliases = _import_aliases(source.tree)
        findings = []
        for rule, check in _CHECKS:
            for node, message in check(source.tree, aliases):
                line = getattr(node, "lineno", 1)
                column = getattr(node, "col_offset", None)
                findings.append(rule.finding(source.display, line, message,
                                             column=None if column is None else column + 1))
        return findings
    finally:
        del _WALKED[id(source.tree)]


# the nodes of the tree being checked, walked once for all the rules
_WALKED: dict[int, list[ast.AST]] = {}


def _walk(tree: ast.AST) -> list[ast.AST]:
    walked = _WALKED.get(id(tree))
    return walked if walked is not None else list(ast.walk(tree))


# --- helpers -----------------------------------------------------------------------
def _import_aliases(tree: ast.Module) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for node in _walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _dotted(expression: ast.expr, aliases: dict[str, str]) -> str | None:
    parts: list[str] = []
    while isinstance(expression, ast.Attribute):
        parts.insert(0, expression.attr)
        expression = expression.value
    if not isinstance(expression, ast.Name):
        return None
    parts.insert(0, aliases.get(expression.id, expression.id))
    return ".".join(parts)


def _calls(tree: ast.AST, aliases: dict[str, str]) -> Iterator[tuple[ast.Call, str | None]]:
    for node in _walk(tree):
        if isinstance(node, ast.Call):
            yield node, _dotted(node.func, aliases)


def _is_false(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


# --- SEC001 .. SEC007 --------------------------------------------------------------
def _eval_exec(tree: ast.Module, aliases: dict[str, str]) -> Iterator[Hit]:
    for call, name in _calls(tree, aliases):
        if name in ("eval", "exec", "builtins.eval", "builtins.exec"):
            yield call, f"{name}() runs whatever code its argument holds"


def _deserialization(tree: ast.Module, aliases: dict[str, str]) -> Iterator[Hit]:
    for call, name in _calls(tree, aliases):
        if name in _UNPICKLERS:
            yield call, f"{name}() can run arbitrary code while decoding its input"


def _shell(tree: ast.Module, aliases: dict[str, str]) -> Iterator[Hit]:
    for call, name in _calls(tree, aliases):
        if name in _SHELL_CALLS:
            yield call, f"{name}() runs its command through a shell"
        elif name and name.startswith("subprocess."):
            for keyword in call.keywords:
                if keyword.arg == "shell" and not _is_false(keyword.value):
                    yield call, f"{name}(..., shell=...) runs its command through a shell"


def _secret_value(value: ast.expr | None) -> bool:
    if not isinstance(value, ast.Constant) or not isinstance(value.value, str | bytes):
        return False
    text = value.value.decode("latin-1") if isinstance(value.value, bytes) else value.value
    return bool(text.strip()) and not _ENV_NAME.fullmatch(text)


def _secrets(tree: ast.Module, aliases: dict[str, str]) -> Iterator[Hit]:
    def message(name: str) -> str:
        return f"{name!r} is given a literal secret value"

    for node in _walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", None)
                if name and looks_secret(name) and _secret_value(node.value):
                    yield node, message(name)
        elif isinstance(node, ast.keyword):
            if node.arg and looks_secret(node.arg) and _secret_value(node.value):
                yield node.value, message(node.arg)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str) and looks_secret(key.value) \
                        and _secret_value(value):
                    yield key, message(key.value)
        elif isinstance(node, ast.arguments):
            positional = [*node.posonlyargs, *node.args]
            pairs = list(zip(positional[len(positional) - len(node.defaults):], node.defaults, strict=True))
            pairs += [(arg, default) for arg, default in zip(node.kwonlyargs, node.kw_defaults, strict=True)
                      if default is not None]
            for argument, default in pairs:
                if looks_secret(argument.arg) and _secret_value(default):
                    yield default, message(argument.arg)


def _sql_text(node: ast.expr) -> str:
    """The literal text of a string expression, as far as it is literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_sql_text(value) for value in node.values)
    if isinstance(node, ast.BinOp):
        return _sql_text(node.left) + " " + _sql_text(node.right)
    return ""


def _built_sql(node: ast.expr) -> bool:
    """An f-string, .format(), + or % that mixes SQL text with run-time values."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(value, ast.FormattedValue) for value in node.values) and bool(
            _SQL_WORDS.search(_sql_text(node))
        )
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return bool(_SQL_WORDS.search(_sql_text(node.func.value)))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        constant = isinstance(node.left, ast.Constant) and isinstance(node.right, ast.Constant)
        return not constant and bool(_SQL_WORDS.search(_sql_text(node)))
    return False


def _scope_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """Nodes of one function (or module) body, not of the functions nested in it."""
    for child in ast.iter_child_nodes(scope):
        yield child
        if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            yield from _scope_nodes(child)


def _sql(tree: ast.Module, aliases: dict[str, str]) -> Iterator[Hit]:
    scopes: list[ast.AST] = [tree, *(n for n in _walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef))]
    for scope in scopes:
        nodes = list(_scope_nodes(scope))
        built: dict[str, int] = {}
        for node in nodes:
            if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                value_is_built = _built_sql(node.value) or (
                    isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name)
                    and node.target.id in built and not isinstance(node.value, ast.Constant)
                )
                for target in targets:
                    if isinstance(target, ast.Name) and value_is_built:
                        built[target.id] = node.lineno
        for node in nodes:
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in _SQL_METHODS):
                continue
            query = node.args[0] if node.args else next(
                (k.value for k in node.keywords if k.arg in ("query", "sql", "operation")), None
            )
            if query is None:
                continue
            if _built_sql(query):
                yield node, f"{node.func.attr}() gets SQL built from run-time values"
            elif isinstance(query, ast.Name) and query.id in built:
                yield node, (
                    f"{node.func.attr}() gets {query.id!r}, SQL built from run-time values "
                    f"on line {built[query.id]}"
                )


def _tls(tree: ast.Module, aliases: dict[str, str]) -> Iterator[Hit]:
    for node in _walk(tree):
        if isinstance(node, ast.keyword) and node.arg in ("verify", "verify_ssl") and _is_false(node.value):
            yield node.value, f"{node.arg}=False turns certificate verification off"
        elif isinstance(node, ast.keyword) and node.arg == "cert_reqs" and isinstance(node.value, ast.Constant) \
                and node.value.value == "CERT_NONE":
            yield node.value, "cert_reqs='CERT_NONE' turns certificate verification off"
        elif isinstance(node, ast.Attribute) and node.attr == "CERT_NONE" or (
            isinstance(node, ast.Name) and node.id == "CERT_NONE"
        ):
            yield node, "ssl.CERT_NONE accepts any certificate"
        elif isinstance(node, ast.Assign) and _is_false(node.value) and any(
            isinstance(target, ast.Attribute) and target.attr == "check_hostname" for target in node.targets
        ):
            yield node, "check_hostname = False accepts certificates issued to any host"
        elif isinstance(node, ast.Call) and _dotted(node.func, aliases) == "ssl._create_unverified_context":
            yield node, "ssl._create_unverified_context() accepts any certificate"


def _raises(body: list[ast.stmt]) -> bool:
    return any(isinstance(node, ast.Raise) for statement in body for node in [statement, *_scope_nodes(statement)])


def _does_nothing(body: list[ast.stmt]) -> bool:
    return all(
        isinstance(statement, _SWALLOWING)
        or (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))
        for statement in body
    )


def _catches_everything(handler: ast.ExceptHandler) -> bool:
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(
        (item.attr if isinstance(item, ast.Attribute) else getattr(item, "id", None)) in ("Exception", "BaseException")
        for item in caught
        if item is not None
    )


def _swallowed(tree: ast.Module, aliases: dict[str, str]) -> Iterator[Hit]:
    for node in _walk(tree):
        if not isinstance(node, ast.ExceptHandler):
            continue
        if node.type is None and not _raises(node.body):
            yield node, "bare `except:` swallows every error, KeyboardInterrupt and SystemExit included"
        elif node.type is not None and _catches_everything(node) and _does_nothing(node.body):
            yield node, "`except Exception` with an empty body swallows every error silently"


_CHECKS: tuple[tuple[Rule, Callable[[ast.Module, dict[str, str]], Iterator[Hit]]], ...] = (
    (EVAL_EXEC, _eval_exec),
    (UNSAFE_DESERIALIZATION, _deserialization),
    (SHELL_COMMAND, _shell),
    (HARDCODED_SECRET, _secrets),
    (SQL_INJECTION, _sql),
    (TLS_VERIFICATION_OFF, _tls),
    (SWALLOWED_ERROR, _swallowed),
)
