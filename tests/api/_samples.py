"""Builds a spec-valid sample value from an OpenAPI 3.0 schema, so no test argument is typed by hand."""

from __future__ import annotations

import re
from typing import Any

Schema = dict[str, Any]

# The widest values each integer format allows: they catch a model that narrows a field too far.
_INT_SAMPLE = {"int32": 7, "int64": 1_700_000_000_123}


class SampleBuilder:
    """Turns schemas of one OpenAPI document into sample values.

    Every property is filled (optional ones too, so that each field is exercised), nullable
    fields get a value rather than null, ``oneOf`` takes its first choice and ``allOf`` merges.

    Args:
        spec: The whole OpenAPI document, to resolve ``$ref``.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        self._schemas: dict[str, Schema] = spec["components"]["schemas"]

    def resolve(self, schema: Schema) -> Schema:
        """Follows ``$ref`` links (and single-entry ``allOf`` wrappers) to the schema they name."""
        while True:
            if "$ref" in schema:
                schema = self._schemas[schema["$ref"].rsplit("/", 1)[-1]]
            elif "allOf" in schema and len(schema["allOf"]) == 1:
                schema = schema["allOf"][0]
            else:
                return schema

    def sample(self, schema: Schema, *, name: str = "value", depth: int = 0) -> Any:
        """Returns a value that validates against ``schema``.

        Args:
            schema: The schema (may be a ``$ref``).
            name: The property name, used to make strings recognisable in requests.
            depth: Recursion depth; recursive schemas stop at an empty object.
        """
        schema = self.resolve(schema)
        if "enum" in schema:
            return next(v for v in schema["enum"] if v is not None)
        if "oneOf" in schema or "anyOf" in schema:
            choices: list[Schema] = schema.get("oneOf") or schema["anyOf"]
            choice = choices[0]
            value = self.sample(choice, name=name, depth=depth)
            discriminator = schema.get("discriminator")
            if discriminator and isinstance(value, dict):
                # The tag must name the chosen schema, whatever the schema itself says.
                tags = {ref: tag for tag, ref in discriminator.get("mapping", {}).items()}
                value[discriminator["propertyName"]] = tags.get(choice.get("$ref"), "unknown")
            return value
        if "allOf" in schema:
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                value = self.sample(part, name=name, depth=depth)
                if isinstance(value, dict):
                    merged.update(value)
            return merged
        kind = schema.get("type", "object" if "properties" in schema else "string")
        if kind == "object":
            return self._object(schema, depth)
        if kind == "array":
            return [self.sample(schema.get("items", {}), name=name, depth=depth + 1)]
        if kind == "integer":
            value = _INT_SAMPLE.get(schema.get("format", ""), 3)
            return min(max(value, schema.get("minimum", value)), schema.get("maximum", value))
        if kind == "number":
            return 1.5
        if kind == "boolean":
            return True
        if schema.get("format") == "binary":
            return b"sample-bytes"
        pattern = schema.get("pattern")
        candidates = [f"{name}-sample", "7", f"obj_{name}", "10.0.0.0/8"]
        # The first sample the schema's pattern (a digits-only, an id-prefix or a CIDR one) accepts.
        return next((c for c in candidates if pattern is None or re.search(pattern, c)), candidates[0])

    def _object(self, schema: Schema, depth: int) -> dict[str, Any]:
        if depth > 12:
            return {}
        out: dict[str, Any] = {}
        for prop, sub in (schema.get("properties") or {}).items():
            out[prop] = self.sample(sub, name=prop, depth=depth + 1)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            out["extra_key"] = self.sample(extra, name="extra", depth=depth + 1)
        elif not out and extra is not False:
            out["extra_key"] = "extra-sample"
        return out
