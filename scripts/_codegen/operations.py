"""Reads the operations in scope from the spec and names them the way the official client does."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .util import ref_name, resolve

IN_SCOPE_TAGS = {
    "Devbox",
    "Computer",
    "Blueprint",
    "Object",
    "Secret",
    "NetworkPolicy",
    "Agent",
    "Scenario",
    "Benchmark",
}

# Operations the official client does not expose (spec-only) or exposes only through a helper.
NAME_OVERRIDES = {
    "getBlueprintMetadataKeys": "blueprints.metadata_keys",
    "getBlueprintMetadataValues": "blueprints.metadata_values",
    "getPublicBlueprintMetadataKeys": "blueprints.public_metadata_keys",
    "getPublicBlueprintMetadataValues": "blueprints.public_metadata_values",
    "getDevboxMetadataKeys": "devboxes.metadata_keys",
    "getDevboxMetadataValues": "devboxes.metadata_values",
    "listPublicSnapshots": "devboxes.disk_snapshots.list_public",
    "getSnapshotMetadataKeys": "devboxes.disk_snapshots.metadata_keys",
    "getSnapshotMetadataValues": "devboxes.disk_snapshots.metadata_values",
    "getPublicSnapshotMetadataKeys": "devboxes.disk_snapshots.public_metadata_keys",
    "getPublicSnapshotMetadataValues": "devboxes.disk_snapshots.public_metadata_values",
    "getObjectMetadataKeys": "objects.metadata_keys",
    "getObjectMetadataValues": "objects.metadata_values",
    "tailDevboxLogs": "devboxes.logs.tail",
    "waitForDevboxStatus": "devboxes.wait_for_status",
    "waitForCommandCompletion": "devboxes.executions.wait_for_status",
    "getScenarioMetadataKeys": "scenarios.metadata_keys",
    "getScenarioMetadataValues": "scenarios.metadata_values",
    "getScenarioRuns": "scenarios.list_runs",
    "unarchiveScenario": "scenarios.unarchive",
    "getBenchmarkMetadataKeys": "benchmarks.metadata_keys",
    "getBenchmarkMetadataValues": "benchmarks.metadata_values",
    "archiveBenchmark": "benchmarks.archive",
    "unarchiveBenchmark": "benchmarks.unarchive",
    "getBenchmarkRuns": "benchmarks.list_runs",
    "downloadBenchmarkRunLogs": "benchmark_runs.download_logs",
    # The paths benchmark runs had before ``/v1/benchmark_runs``, under the names the official
    # client gave them then; the API deprecates them, so their methods warn when called.
    "listBenchmarkRunsDeprecated": "benchmarks.runs.list",
    "getBenchmarkRunDeprecated": "benchmarks.runs.retrieve",
    "cancelBenchmarkRunDeprecated": "benchmarks.runs.cancel",
    "completeBenchmarkRunDeprecated": "benchmarks.runs.complete",
    "downloadBenchmarkRunLogsDeprecated": "benchmarks.runs.download_logs",
    "listBenchmarkRunScenarioRunsDeprecated": "benchmarks.runs.list_scenario_runs",
}

# What to call instead of a deprecated operation (its deprecation warning says so).
REPLACEMENTS = {
    "listBenchmarkRunsDeprecated": "benchmark_runs.list",
    "getBenchmarkRunDeprecated": "benchmark_runs.retrieve",
    "cancelBenchmarkRunDeprecated": "benchmark_runs.cancel",
    "completeBenchmarkRunDeprecated": "benchmark_runs.complete",
    "downloadBenchmarkRunLogsDeprecated": "benchmark_runs.download_logs",
    "listBenchmarkRunScenarioRunsDeprecated": "benchmark_runs.list_scenario_runs",
    "execSyncCommand": "devboxes.executions.execute_async",
}

# POSTs that only read, so repeating them is harmless.
READ_ONLY_POSTS = {
    "devboxReadFileContents",
    "devboxDownloadFile",
    "waitForDevboxStatus",
    "waitForCommandCompletion",
    "previewImage",
}

# POSTs that cannot act twice however often they are sent, so they are retried like reads:
# - creates the server runs once per idempotency key (``x-request-id``: one per call, the same on
#   every retry of it; see runloop_local/http/idempotency.py), so a create whose answer was cut
#   off is sent again and answers the resource the first attempt made;
# - executeCommand, which the server runs once per ``command_id`` (a required body field);
# - operations whose repeat leaves the same state as one call (shutting down a devbox that is
#   already shut down; writing the same bytes to the same file again).
REPEATABLE_POSTS = {
    "createDevbox",
    "createAndAwaitRunning",
    "createObject",
    "createDiskSnapshot",
    "createDiskSnapshotAsync",
    "createSecret",
    "createBlueprint",
    "execAsyncCommand",
    "executeCommand",
    "shutdownDevbox",
    "devboxWriteFileContents",
    "devboxUploadFile",
}

# Required body fields the client fills in when the caller gives none (the official client
# does the same): the expression is evaluated once per call, before the first attempt, so
# every retry sends the same value. ``command_id`` makes ``execute`` run once however often
# it is sent; a UUIDv7 sorts by time.
GENERATED_FIELDS = {
    ("executeCommand", "command_id"): "uuid7()",
}

# Long-polls: where the current state is read when the server answers 408 ("not yet").
LONG_POLL_FALLBACKS = {
    "waitForDevboxStatus": "/v1/devboxes/{id}",
    "waitForCommandCompletion": "/v1/devboxes/{devbox_id}/executions/{execution_id}",
}

# Calls the server may hold open until something happens (besides the long-polls above), and the
# body field that says for how long: the read timeout must outlast the hold.
HOLDING_CALLS = {
    "executeCommand": "optimistic_timeout",
}

DOMAIN_BY_TAG = {
    "Devbox-ShellTools": "executions",
    "Devbox-PersistenceTools": "snapshots",
    "Computer": "computers",
    "Blueprint": "blueprints",
    "Object": "objects",
    "Secret": "secrets",
    "NetworkPolicy": "network_policies",
    "Agent": "agents",
    "Scenario": "scenarios",
    "Benchmark": "benchmarks",
}


@dataclass
class Param:
    """One argument of a generated method."""

    name: str
    schema: dict[str, Any]
    required: bool
    description: str
    location: str  # path, query, body, file
    generated: str | None = None  # the expression that fills it in when not given

    @property
    def py(self) -> str:
        """The Python argument name: ``metadata[key][in]`` becomes ``metadata_key_in``."""
        return re.sub(r"\W+", "_", self.name).strip("_")


@dataclass
class Operation:
    """One HTTP operation and how the generated client exposes it."""

    operation_id: str
    method: str
    path: str
    summary: str
    description: str
    domain: str
    namespace: tuple[str, ...]
    name: str
    aliases: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    path_params: list[Param] = field(default_factory=list)
    query_params: list[Param] = field(default_factory=list)
    body_params: list[Param] = field(default_factory=list)
    body_kind: str | None = None  # json, multipart
    response_kind: str = "json"  # json, text, binary, sse, page
    response_media: str | None = None  # the 200 answer's media type; None when it declares none
    response_schema: str | None = None
    items_field: str | None = None
    item_schema: str | None = None
    idempotent: bool = False
    long_poll_fallback: str | None = None
    holds: bool = False  # the server may hold the call open (long-polls, optimistic waits)
    hold_field: str | None = None  # the body field that bounds the hold, when there is one
    deprecated: bool = False
    replacement: str | None = None  # the method to call instead, when deprecated
    referenced_schemas: set[str] = field(default_factory=set)


def _split(dotted: str) -> tuple[tuple[str, ...], str]:
    parts = dotted.split(".")
    return tuple(parts[:-1]), parts[-1]


def _names(op: dict[str, Any]) -> tuple[str, list[str]]:
    """The primary dotted name and its aliases."""
    methods = [m.split(" ")[0] for m in op.get("x-client-methods") or [] if "(helper)" not in m]
    override = NAME_OVERRIDES.get(op["operationId"])
    if override:
        return override, [m for m in methods if m != override]
    if not methods:
        raise SystemExit(f"no client method name for {op['operationId']}: add it to NAME_OVERRIDES")
    primary = max(methods, key=lambda m: m.count("."))  # the most specific namespace
    return primary, [m for m in methods if m != primary]


def _domain(tags: list[str]) -> str:
    for tag in tags:
        if tag in DOMAIN_BY_TAG:
            return DOMAIN_BY_TAG[tag]
    return "devboxes"


def _refs(schema: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(schema, dict):
        if "$ref" in schema:
            found.add(ref_name(schema["$ref"]))
        for value in schema.values():
            found |= _refs(value)
    elif isinstance(schema, list):
        for value in schema:
            found |= _refs(value)
    return found


def collect_operations(spec: dict[str, Any]) -> list[Operation]:
    """Every in-scope operation, sorted by path and method."""
    ops: list[Operation] = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            if not IN_SCOPE_TAGS & set(op.get("tags", [])):
                continue
            ops.append(_operation(spec, path, method.upper(), op))
    unknown = (
        READ_ONLY_POSTS | REPEATABLE_POSTS | set(REPLACEMENTS) | {op_id for op_id, _ in GENERATED_FIELDS}
    ) - {o.operation_id for o in ops}
    if unknown:
        raise SystemExit(f"operations named for retries but not in the spec: {sorted(unknown)}")
    return sorted(ops, key=lambda o: (o.path, o.method))


def _operation(spec: dict[str, Any], path: str, method: str, op: dict[str, Any]) -> Operation:
    primary, aliases = _names(op)
    namespace, name = _split(primary)
    result = Operation(
        operation_id=op["operationId"],
        method=method,
        path=path,
        summary=op.get("summary", "").rstrip("."),
        description=op.get("description", ""),
        domain=_domain(op.get("tags", [])),
        namespace=namespace,
        name=name,
        aliases=[_split(a) for a in aliases],
        idempotent=method == "GET" or op["operationId"] in READ_ONLY_POSTS | REPEATABLE_POSTS,
        long_poll_fallback=LONG_POLL_FALLBACKS.get(op["operationId"]),
        deprecated=bool(op.get("deprecated")),
        replacement=REPLACEMENTS.get(op["operationId"]),
    )
    if result.replacement is not None and not result.deprecated:
        raise SystemExit(f"{result.operation_id} has a replacement but is not deprecated")
    result.referenced_schemas |= (
        _refs(op.get("requestBody")) | _refs(op.get("responses")) | _refs(op.get("parameters"))
    )
    event_schema = (op.get("x-streaming") or {}).get("event-schema")
    if event_schema:  # the model of a server-sent event's data
        result.referenced_schemas.add(ref_name(event_schema))
    for p in op.get("parameters", []):
        param = Param(
            p["name"], p.get("schema", {}), bool(p.get("required")), p.get("description", ""), p["in"]
        )
        (result.path_params if p["in"] == "path" else result.query_params).append(param)
    # Path parameters in the order they appear in the path; the last one is positional.
    order = re.findall(r"{(\w+)}", path)
    result.path_params.sort(key=lambda p: order.index(p.name))
    _request_body(spec, op, result)
    _response(spec, op, result)
    body_fields = {p.name for p in result.body_params}
    if result.long_poll_fallback is not None:
        result.holds = True
        result.hold_field = "timeout_seconds" if "timeout_seconds" in body_fields else None
    elif result.operation_id in HOLDING_CALLS:
        result.holds = True
        result.hold_field = HOLDING_CALLS[result.operation_id]
        if result.hold_field not in body_fields:
            raise SystemExit(f"{result.operation_id}: no body field {result.hold_field!r} bounds its hold")
    return result


def _request_body(spec: dict[str, Any], op: dict[str, Any], result: Operation) -> None:
    content = (op.get("requestBody") or {}).get("content") or {}
    if not content:
        return
    media, body = next(iter(content.items()))
    schema = resolve(spec, body["schema"])
    result.body_kind = "multipart" if media == "multipart/form-data" else "json"
    required = set(schema.get("required", []))
    taken = {p.name for p in result.path_params + result.query_params}
    for prop, prop_schema in (schema.get("properties") or {}).items():
        if prop in taken:
            raise SystemExit(f"{result.operation_id}: body field {prop!r} clashes with a parameter")
        is_file = prop_schema.get("format") == "binary"
        generated = GENERATED_FIELDS.get((result.operation_id, prop))
        result.body_params.append(
            Param(
                prop,
                prop_schema,
                (prop in required or is_file) and generated is None,
                prop_schema.get("description", ""),
                "file" if is_file else "body",
                generated,
            )
        )


def _response(spec: dict[str, Any], op: dict[str, Any], result: Operation) -> None:
    content = (op["responses"].get("200") or {}).get("content") or {}
    if not content:
        result.response_kind = "text"
        return
    media, body = next(iter(content.items()))
    result.response_media = media
    if media == "text/event-stream":
        result.response_kind = "sse"
        # The media type's schema is one event (its `data` a string); the model is its payload's.
        result.response_schema = ref_name(op["x-streaming"]["event-schema"])
    elif media == "application/octet-stream" or body["schema"].get("format") == "binary":
        # Bytes whatever their media type (the run logs are application/zip).
        result.response_kind = "binary"
    elif media.startswith("text/"):
        result.response_kind = "text"
    else:
        result.response_schema = ref_name(body["schema"]["$ref"])
        pagination = op.get("x-pagination")
        if pagination:
            result.response_kind = "page"
            result.items_field = pagination["items-field"]
            list_schema = spec["components"]["schemas"][result.response_schema]
            result.item_schema = ref_name(list_schema["properties"][result.items_field]["items"]["$ref"])
