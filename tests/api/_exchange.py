"""One operation's round trip: the call built from the spec, and the answer the fake server gives."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote

import httpx

import runloop_api
from runloop_api import BaseModel

from ._openapi_http import validate_request, validate_response
from ._samples import SampleBuilder
from ._spec import SpecOperation, load_spec, schema_name

SSE_EVENTS = 2


def py_name(param: str) -> str:
    """The Python argument name of a spec parameter: ``metadata[key][in]`` -> ``metadata_key_in``."""
    return re.sub(r"\W+", "_", param).strip("_")


def _wire(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass
class Exchange:
    """What a call of one operation sends and what the fake server answers."""

    op: SpecOperation
    kwargs: dict[str, Any] = field(default_factory=dict)
    path: str = ""
    query: dict[str, list[str]] = field(default_factory=dict)
    json_body: Any = None
    form: dict[str, str] = field(default_factory=dict)
    file_bytes: bytes | None = None
    answer: Any = None
    requests: list[httpx.Request] = field(default_factory=list)
    check_accept: bool = True

    @classmethod
    def build(cls, op: SpecOperation) -> Exchange:
        """Builds the arguments of a call from the spec: every parameter, required or not."""
        samples = SampleBuilder(load_spec())
        ex = cls(op)
        path = op.path
        for param in op.op.get("parameters", []):
            value = samples.sample(param["schema"], name=param["name"])
            if param["in"] == "path":
                value = f"{param['name']}_1"
                path = path.replace("{" + param["name"] + "}", quote(value, safe=""))
            else:
                ex.query[param["name"]] = [_wire(value)]
            ex.kwargs[py_name(param["name"])] = value
        ex.path = path
        media = op.media_type
        if media is not None:
            body_schema = samples.resolve(op.op["requestBody"]["content"][media]["schema"])
            body = samples.sample(body_schema, name="body")
            for key, value in body.items():
                ex.kwargs[py_name(key)] = value
            if media == "multipart/form-data":
                ex.file_bytes = body.pop("file")
                ex.kwargs["file"] = ex.file_bytes
                ex.form = {k: _wire(v) for k, v in body.items()}
            else:
                ex.json_body = body
        ex.answer = ex._answer(samples)
        return ex

    def _answer(self, samples: SampleBuilder) -> Any:
        media = self.op.response_media_type
        if media is None:
            return "tail line 1\ntail line 2\n"
        schema = self._payload_schema(media)
        if self.binary:
            return bytes(range(256)) * 4
        if media.startswith("text/plain"):
            return "file contents\nsecond line\n"
        return samples.sample(schema, name="answer")

    def handle(self, request: httpx.Request) -> httpx.Response:
        """The fake server: checks the request against the spec and the call, then answers."""
        request.read()
        self.requests.append(request)
        validate_request(request)
        assert request.method == self.op.method
        if self.check_accept:
            assert request.headers["accept"] == (self.op.response_media_type or "*/*")
        assert request.url.raw_path.split(b"?")[0].decode() == self.path
        assert parse_qs(request.url.query.decode(), keep_blank_values=True) == self.query
        if self.json_body is not None:
            assert json.loads(request.content) == self.json_body
        if self.file_bytes is not None:
            content = request.content
            assert self.file_bytes in content
            for name, value in self.form.items():
                assert f'name="{name}"\r\n\r\n{value}\r\n'.encode() in content
        media = self.op.response_media_type
        if media is None:
            validate_response(request, 200, "text/plain", self.answer.encode())
            return httpx.Response(200, text=self.answer)
        if media == "text/event-stream":
            events = "".join(f"data: {json.dumps(self.answer)}\n\n" for _ in range(SSE_EVENTS))
            return httpx.Response(200, content=events.encode(), headers={"content-type": media})
        if self.binary:
            validate_response(request, 200, media, self.answer)
            return httpx.Response(200, content=self.answer, headers={"content-type": media})
        if media.startswith("text/"):
            validate_response(request, 200, media, self.answer.encode())
            return httpx.Response(200, content=self.answer.encode(), headers={"content-type": media})
        data = json.dumps(self.answer).encode()
        validate_response(request, 200, media, data)
        return httpx.Response(200, content=data, headers={"content-type": media})

    @property
    def binary(self) -> bool:
        """Whether the 200 answer is bytes (``format: binary``, as octet-stream or zip logs)."""
        media = self.op.response_media_type
        if media is None or media == "text/event-stream":
            return False
        return bool(self._payload_schema(media).get("format") == "binary")

    def _payload_schema(self, media: str) -> dict[str, Any]:
        """The schema of the 200 answer; for an event stream, of each event's data (the
        ``x-streaming`` event-schema: the media type's schema describes the event itself)."""
        if media == "text/event-stream":
            return {"$ref": self.op.op["x-streaming"]["event-schema"]}
        schema: dict[str, Any] = self.op.op["responses"]["200"]["content"][media]["schema"]
        return schema

    def response_model(self) -> type[BaseModel]:
        """The model the 200 answer declares (its items' model for a paginated list)."""
        media = self.op.response_media_type
        assert media is not None
        name = schema_name(self._payload_schema(media))
        model: type[BaseModel] = getattr(runloop_api.types, name)
        pagination = self.op.op.get("x-pagination")
        if pagination:
            items = load_spec()["components"]["schemas"][name]["properties"][pagination["items-field"]]
            model = getattr(runloop_api.types, schema_name(items["items"]))
        assert issubclass(model, BaseModel)
        return model

    def check_result(self, result: Any, streamed: list[Any] | None) -> None:
        """Asserts that the call returned what the spec declares, parsed from the answer."""
        media = self.op.response_media_type
        if media is None or media.startswith("text/plain"):
            assert result == self.answer
        elif self.binary:
            assert isinstance(result, (runloop_api.BinaryResponse, runloop_api.AsyncBinaryResponse))
            assert streamed == [self.answer]
        elif media == "text/event-stream":
            assert streamed is not None and len(streamed) == SSE_EVENTS
            model = self.response_model()
            for item in streamed:
                assert isinstance(item, model)
                assert _dump(item) == self.answer
        elif self.op.op.get("x-pagination"):
            assert isinstance(result, (runloop_api.Page, runloop_api.AsyncPage))
            field_name = self.op.op["x-pagination"]["items-field"]
            assert len(result.items) == len(self.answer[field_name]) == 1
            assert isinstance(result.items[0], self.response_model())
            assert _dump(result.raw) == self.answer
        else:
            assert isinstance(result, self.response_model())
            assert _dump(result) == self.answer


def _dump(model: BaseModel) -> Any:
    return model.model_dump(mode="json", exclude_none=True, by_alias=True)
