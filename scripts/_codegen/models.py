"""Renders pydantic models for every schema the in-scope operations reach, grouped by domain."""

from __future__ import annotations

from typing import Any

from .operations import Operation
from .util import HEADER, docstring, one_line, ref_name, resolve

SHARED = "shared"

# Field names a model cannot use as attributes: pydantic's mypy plugin gives every model an
# ``__init__(..., **kwargs)``. Such a field is ``<name>_`` in Python and ``<name>`` on the wire.
RESERVED_FIELDS = {"kwargs"}


def reachable(spec: dict[str, Any], roots: set[str]) -> set[str]:
    """Every schema name reachable from ``roots`` through $refs."""
    schemas = spec["components"]["schemas"]
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        stack.extend(_refs(schemas[name]))
    return seen


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


def assign_modules(spec: dict[str, Any], operations: list[Operation]) -> dict[str, str]:
    """Maps each schema to a module: its domain's, or ``shared`` when several domains use it."""
    closures: dict[str, set[str]] = {}
    for op in operations:
        closures.setdefault(op.domain, set()).update(reachable(spec, op.referenced_schemas))
    module: dict[str, str] = {}
    for domain, names in closures.items():
        for name in names:
            module[name] = domain if name not in module else SHARED
    return module


def type_expr(spec: dict[str, Any], schema: dict[str, Any], *, for_input: bool = False) -> str:
    """The Python type of a schema. ``for_input`` widens models to also accept plain dicts."""
    if "$ref" in schema:
        name = ref_name(schema["$ref"])
        target = spec["components"]["schemas"][name]
        if for_input and target.get("type") == "object" and target.get("properties") is not None:
            return f"{name} | dict[str, Any]"
        return name
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return type_expr(spec, schema["allOf"][0], for_input=for_input)
    if "oneOf" in schema or "anyOf" in schema:
        variants = schema.get("oneOf") or schema.get("anyOf") or []
        return " | ".join(type_expr(spec, v, for_input=for_input) for v in variants)
    kind = schema.get("type")
    if "enum" in schema:
        literal = "Literal[" + ", ".join(repr(v) for v in schema["enum"]) + "]"
        # The API grows: a value added to an enum after this client was generated must not make
        # a response unreadable. Single values stay strict: they are union tags.
        if for_input or len(schema["enum"]) < 2:
            return literal
        return f"Annotated[{literal}, KeepUnknown]"
    if kind == "string":
        return "bytes" if schema.get("format") == "binary" else "str"
    if kind == "integer":
        # int32 fields are bounded in models (a server parsing requests with them refuses 2**31);
        # arguments stay plain ints (the server answers out-of-range values with a 400).
        return "Int32" if schema.get("format") == "int32" and not for_input else "int"
    if kind == "number":
        return "float"
    if kind == "boolean":
        return "bool"
    if kind == "array":
        inner = type_expr(spec, schema.get("items", {}), for_input=for_input)
        return f"Sequence[{inner}]" if for_input else f"list[{inner}]"
    if kind == "object" or "additionalProperties" in schema:
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            value = type_expr(spec, extra, for_input=for_input)
            return f"Mapping[str, {value}]" if for_input else f"dict[str, {value}]"
        return "dict[str, Any]"
    return "Any"


def _alias(spec: dict[str, Any], name: str, schema: dict[str, Any]) -> str:
    out = f"{name}: TypeAlias = {type_expr(spec, schema)}\n"
    if schema.get("description"):
        out += docstring(one_line(schema["description"]), "")
    return out


def _model(spec: dict[str, Any], name: str, schema: dict[str, Any]) -> str:
    lines = [f"class {name}(BaseModel):\n"]
    lines.append(docstring(one_line(schema.get("description")) or f"The {name} schema.", "    "))
    required = set(schema.get("required", []))
    props = schema.get("properties") or {}
    ordered = sorted(props, key=lambda p: p not in required or props[p].get("nullable", False))
    for prop in ordered:
        prop_schema = props[prop]
        annotation = type_expr(spec, prop_schema)
        attribute = f"{prop}_" if prop in RESERVED_FIELDS else prop
        alias = f'alias="{prop}"' if prop in RESERVED_FIELDS else ""
        # Required but nullable fields default to None: servers omit them as often as they send null.
        if prop in required and not prop_schema.get("nullable"):
            default = f" = Field({alias})" if alias else ""
            lines.append(f"\n    {attribute}: {annotation}{default}\n")
        else:
            default = f"Field(default=None, {alias})" if alias else "None"
            lines.append(f"\n    {attribute}: {annotation} | None = {default}\n")
        if prop_schema.get("description"):
            lines.append(docstring(one_line(prop_schema["description"]), "    "))
    return "".join(lines)


def _is_model(schema: dict[str, Any]) -> bool:
    return (schema.get("type") == "object" and "additionalProperties" not in schema) or bool(
        schema.get("properties")
    )


def _topological(spec: dict[str, Any], names: list[str]) -> list[str]:
    schemas = spec["components"]["schemas"]
    local = set(names)
    done: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in done or name in visiting:
            return
        visiting.add(name)
        for dep in sorted(_refs(schemas[name]) & local):
            visit(dep)
        visiting.discard(name)
        done.append(name)

    for name in sorted(names):
        visit(name)
    return done


def render_models(spec: dict[str, Any], operations: list[Operation]) -> dict[str, str]:
    """Returns {file name: source} for runloop_api/types/."""
    schemas = spec["components"]["schemas"]
    module_of = assign_modules(spec, operations)
    modules: dict[str, list[str]] = {}
    for name, module in module_of.items():
        modules.setdefault(module, []).append(name)
    files: dict[str, str] = {}
    for module, names in sorted(modules.items()):
        body: list[str] = []
        imported: set[str] = set()
        for name in _topological(spec, names):
            schema = resolve(spec, schemas[name]) if "allOf" in schemas[name] else schemas[name]
            body.append(_model(spec, name, schema) if _is_model(schema) else _alias(spec, name, schema))
            imported |= {dep for dep in _refs(schemas[name]) if module_of[dep] != module}
        head = HEADER.format(script="generate_api.py", source="spec/runloop-openapi.yaml")
        head += f'"""API models: {module.replace("_", " ")}."""\n\nfrom __future__ import annotations\n\n'
        head += "from typing import Annotated, Any, Literal\n\n"
        used = "".join(body)
        head += "from pydantic import Field\n" if " = Field(" in used else ""
        head += "from typing_extensions import TypeAlias\n\n"
        bases = ["BaseModel", *(["Int32"] if "Int32" in used else []), "KeepUnknown"]
        head += f"from .._base.models import {', '.join(bases)}\n"
        for dep in sorted(imported):
            head += f"from .{module_of[dep]} import {dep}\n"
        exports = "".join(f'    "{n}",\n' for n in sorted(names))
        files[f"{module}.py"] = head + f"\n__all__ = [\n{exports}]\n\n\n" + "\n\n".join(body)
    init = HEADER.format(script="generate_api.py", source="spec/runloop-openapi.yaml")
    init += '"""Pydantic models of every schema of the Runloop API in scope."""\n\n'
    every: list[str] = []
    for module, names in sorted(modules.items()):
        init += f"from .{module} import {', '.join(sorted(names))}\n"
        every.extend(names)
    init += "\n__all__ = [\n" + "".join(f'    "{n}",\n' for n in sorted(every)) + "]\n"
    files["__init__.py"] = init
    return files
