"""Renders the async resource classes: one method per operation, namespaced like the official client."""

from __future__ import annotations

import re
from typing import Any

from .models import type_expr
from .operations import Operation, Param
from .util import HEADER, docstring, one_line

COMMON_ARGS = (
    "extra_headers: Mapping[str, str] | None = None",
    "extra_query: Mapping[str, Any] | None = None",
    "extra_body: Mapping[str, Any] | None = None",
    "timeout: float | httpx.Timeout | None = None",
)
COMMON_DOCS = (
    "extra_headers: Headers to add to this request.",
    "extra_query: Query parameters to add to this request.",
    "extra_body: JSON fields to add to this request's body.",
    "timeout: Timeout of this request in seconds, overriding the client's.",
)


def class_name(namespace: tuple[str, ...], ambiguous: frozenset[str] = frozenset()) -> str:
    """``AsyncExecutionsResource`` for ``devboxes.executions``; the whole namespace spells the name
    when its last part is ``ambiguous`` (``scenarios.runs``: ``AsyncScenariosRunsResource``)."""
    parts = namespace if namespace[-1] in ambiguous else namespace[-1:]
    return "Async" + "".join(word.title() for part in parts for word in part.split("_")) + "Resource"


def module_name(namespace: tuple[str, ...]) -> str:
    return "_".join(namespace)


def _param_type(spec: dict[str, Any], param: Param) -> str:
    if param.location == "file":
        return "FileInput"
    return type_expr(spec, param.schema, for_input=True)


def _signature(spec: dict[str, Any], op: Operation) -> tuple[str, list[str], str]:
    """Returns (argument list, docstring Args lines, return annotation)."""
    keyword_paths = op.path_params[:-1]
    positional = op.path_params[-1] if op.path_params else None
    args = ["self"]
    docs: list[str] = []
    if positional is not None:
        args.append(f"{positional.py}: str")
        docs.append(f"{positional.py}: {one_line(positional.description) or 'The resource id.'}")
    args.append("*")
    params = keyword_paths + op.body_params + op.query_params
    ordered = sorted(params, key=lambda p: not (p.required or p.location == "path"))
    for p in ordered:
        annotation = "str" if p.location == "path" else _param_type(spec, p)
        if p.required or p.location == "path":
            args.append(f"{p.py}: {annotation}")
        else:
            args.append(f"{p.py}: {annotation} | None = None")
        doc = one_line(p.description) or "See the API reference."
        if p.generated:
            doc = doc.rstrip(".") + f". Generated (``{p.generated}``) when not given."
        docs.append(f"{p.py}: {doc}")
    args.extend(COMMON_ARGS)
    docs.extend(COMMON_DOCS)
    if op.method != "GET":
        args.append("idempotency_key: str | None = None")
        docs.append(
            "idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry."
        )
    return ", ".join(args), docs, _returns(op)


def _returns(op: Operation) -> str:
    return {
        "json": op.response_schema or "Any",
        "page": f"AsyncPage[{op.item_schema}]",
        "sse": f"AsyncEventStream[{op.response_schema}]",
        "binary": "AsyncBinaryResponse",
        "text": "str",
    }[op.response_kind]


def _path_expr(path: str) -> str:
    if "{" not in path:
        return f'"{path}"'
    return 'f"' + re.sub(r"{(\w+)}", lambda m: f"{{path_param('{m.group(1)}', {m.group(1)})}}", path) + '"'


def _mapping(params: list[Param]) -> str:
    return "{" + ", ".join(f'"{p.name}": {p.py}' for p in params) + "}"


def _accept(op: Operation) -> str | None:
    """The Accept header of an operation whose answer is not JSON (sent as the official client does)."""
    if op.response_media == "application/json":
        return None
    return op.response_media or "*/*"


def _body(op: Operation) -> str:
    common = ["extra_headers=extra_headers", "timeout=timeout"]
    accept = _accept(op)
    if accept is not None:
        common.append(f'accept="{accept}"')
    if op.method != "GET":
        common.append("idempotency_key=idempotency_key")
    if op.query_params:
        common.append(f"query=clean_params({_mapping(op.query_params)}, extra_query)")
    elif op.response_kind not in ("page", "sse"):
        common.append("query=extra_query")
    json_fields = [p for p in op.body_params if p.location == "body"]
    file_fields = [p for p in op.body_params if p.location == "file"]
    if op.body_kind == "json":
        common.append(f"json=clean_params({_mapping(json_fields)}, extra_body)")
    elif op.body_kind == "multipart":
        common.append(f"data=clean_params({_mapping(json_fields)}, extra_body)")
    elif op.method != "GET":
        common.append("json=dict(extra_body) if extra_body else None")
    path = _path_expr(op.path)
    idem = f"idempotent={op.idempotent}"
    kind = op.response_kind
    if kind == "json":
        extra = ""
        if op.long_poll_fallback:
            extra += f"fallback_path={_path_expr(op.long_poll_fallback)}, "
        if op.holds:
            extra += f"long_poll=True, long_poll_hold={op.hold_field or 'None'}, "
        call = f'await self._client.request_json("{op.method}", {path}, cast_to={op.response_schema}, {idem}, {extra}'
    elif kind == "page":
        query = f"clean_params({_mapping(op.query_params)}, extra_query)"
        common = [c for c in common if not c.startswith("query=")]
        call = (
            f"await self._client.request_page({path}, list_model={op.response_schema}, "
            f'items_field="{op.items_field}", query={query}, '
        )
    elif kind == "sse":
        query = f"clean_params({_mapping(op.query_params)}, extra_query)"
        common = [c for c in common if not c.startswith("query=")]
        call = f"self._client.stream_events({path}, model={op.response_schema}, query={query}, "
    elif kind == "binary":
        call = f'await self._client.request_binary("{op.method}", {path}, {idem}, '
    else:
        call = f'await self._client.request_text("{op.method}", {path}, {idem}, '
    statement = f"        return {call}{', '.join(common)})\n"
    for p in op.body_params:
        if p.generated:
            # Filled in once, before the first attempt: every retry sends the same value.
            statement = f"        if {p.py} is None:\n            {p.py} = {p.generated}\n" + statement
    if op.deprecated:
        statement = _deprecation_warning(op) + statement
    if file_fields:
        (f,) = file_fields
        statement = statement.replace("data=", f'files={{"{f.name}": upload}}, data=')
        return f"        with open_upload({f.py}) as upload:\n    " + statement
    return statement


def _deprecation_warning(op: Operation) -> str:
    """The statement that tells the caller, once per call, that the API deprecates the operation."""
    dotted = ".".join((*op.namespace, op.name))
    message = f"api.{dotted} ({op.operation_id}) is deprecated by the API"
    if op.replacement:
        message += f"; use api.{op.replacement} instead"
    return f"        warnings.warn({message!r}, DeprecationWarning, stacklevel=2)\n"


def _doc(op: Operation, docs: list[str], alias_of: str | None = None) -> str:
    summary = one_line(op.summary) + "."
    text = summary
    if alias_of:
        text += f"\n\nThe same operation as ``{alias_of}``."
    elif op.description and one_line(op.description) != summary:
        text += "\n\n" + one_line(op.description)
    if op.deprecated:
        text += "\n\nDeprecated by the API: calling it warns (``DeprecationWarning``)."
        if op.replacement:
            text += f" Use ``api.{op.replacement}`` instead."
    text += f"\n\n``{op.method} {op.path}`` ({op.operation_id})."
    args = "\n".join(f"    {d}" for d in docs)
    return (
        docstring(text, "        ").rstrip().removesuffix('"""').rstrip()
        + f'\n\n        Args:\n{_indent(args)}\n        """\n'
    )


def _indent(text: str) -> str:
    return "\n".join("        " + line for line in text.splitlines())


def render_method(spec: dict[str, Any], op: Operation, name: str, alias_of: str | None = None) -> str:
    args, docs, returns = _signature(spec, op)
    prefix = "def" if op.response_kind == "sse" else "async def"
    out = f"    {prefix} {name}({args}) -> {returns}:\n" + _doc(op, docs, alias_of)
    if alias_of is None:
        return out + _body(op)
    names = [p.py for p in op.path_params[:-1]] + [p.py for p in op.body_params + op.query_params]
    names += ["extra_headers", "extra_query", "extra_body", "timeout"]
    if op.method != "GET":
        names.append("idempotency_key")
    first = op.path_params[-1].py if op.path_params else None
    call_args = ([first] if first else []) + [f"{n}={n}" for n in names]
    awaiting = "" if op.response_kind == "sse" else "await "
    return out + f"        return {awaiting}self.{alias_of}({', '.join(call_args)})\n"


def render_resources(spec: dict[str, Any], operations: list[Operation]) -> dict[str, str]:
    """Returns {file name: source} for runloop_api/_async/resources/."""
    namespaces: dict[tuple[str, ...], list[str]] = {}
    children: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    types_used: dict[tuple[str, ...], set[str]] = {}
    for op in operations:
        targets: list[tuple[tuple[str, ...], str, str | None]] = [(op.namespace, op.name, None)]
        for alias_ns, alias_name in op.aliases:
            relative = ".".join((*op.namespace[len(alias_ns) :], op.name))
            targets.append((alias_ns, alias_name, relative))
        for ns, name, alias_of in targets:
            namespaces.setdefault(ns, []).append(render_method(spec, op, name, alias_of))
            used = types_used.setdefault(ns, set())
            used |= {
                n
                for n in re.findall(r"\b[A-Z]\w+", render_method(spec, op, name, alias_of))
                if n[0].isupper()
            }
            for depth in range(1, len(ns)):
                children.setdefault(ns[:depth], set()).add(ns[: depth + 1])
    files: dict[str, str] = {}
    all_types = set(spec["components"]["schemas"])
    leaves = [ns[-1] for ns in namespaces]
    ambiguous = frozenset(leaf for leaf in leaves if leaves.count(leaf) > 1)
    for ns, methods in sorted(namespaces.items()):
        head = HEADER.format(script="generate_api.py", source="spec/runloop-openapi.yaml")
        head += (
            f'"""Raw operations under ``api.{".".join(ns)}``."""\n\nfrom __future__ import annotations\n\n'
        )
        head += "import warnings\n" if "warnings.warn(" in "".join(methods) else ""
        head += "from collections.abc import Mapping, Sequence\nfrom typing import TYPE_CHECKING, Any, Literal\n\nimport httpx\n\n"
        head += "from ..._base.files import open_upload\n"
        if "= uuid7()" in "".join(methods):
            head += "from ..._base.ids import uuid7\n"
        head += "from ..._base.request import FileInput, clean_params, path_param\n"
        head += "from ...types import " + ", ".join(sorted(types_used[ns] & all_types)) + "\n"
        head += "from ..binary import AsyncBinaryResponse\nfrom ..pagination import AsyncPage\nfrom ..streaming import AsyncEventStream\n"
        kids = sorted(children.get(ns, set()))
        for kid in kids:
            head += f"from .{module_name(kid)} import {class_name(kid, ambiguous)}\n"
        head += "\nif TYPE_CHECKING:\n    from .._client_base import AsyncAPIClient\n\n"
        head += f'__all__ = ["{class_name(ns, ambiguous)}"]\n\n\n'
        cls = f"class {class_name(ns, ambiguous)}:\n"
        cls += f'    """Operations under ``api.{".".join(ns)}``."""\n\n'
        cls += "    def __init__(self, client: AsyncAPIClient) -> None:\n        self._client = client\n"
        for kid in kids:
            cls += f"        self.{kid[-1]} = {class_name(kid, ambiguous)}(client)\n"
            cls += f'        """Operations under ``api.{".".join(kid)}``."""\n'
        files[f"{module_name(ns)}.py"] = head + cls + "\n" + "\n".join(methods)
    init = HEADER.format(script="generate_api.py", source="spec/runloop-openapi.yaml")
    init += '"""Resource classes of the async raw client."""\n\n'
    for ns in sorted(namespaces):
        init += f"from .{module_name(ns)} import {class_name(ns, ambiguous)}\n"
    init += "\n__all__ = [" + ", ".join(f'"{class_name(ns, ambiguous)}"' for ns in sorted(namespaces)) + "]\n"
    files["__init__.py"] = init
    return files
