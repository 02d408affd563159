"""Pure request shaping, cursors, stream offsets and SSE decoding."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
import pytest

from runloop_api._base.files import open_upload
from runloop_api._base.pagination import next_cursor
from runloop_api._base.request import clean_params, file_name_of, path_param, to_json
from runloop_api._base.sse import ServerSentEvent, SSEData, SSEDecoder, SSELines
from runloop_api._base.streaming import resume_offset
from runloop_api.types import DevboxView, ExecUpdateChunkView, LaunchParameters

from ._fakes import DEVBOX, Script, json_response, sync_api


@pytest.mark.parametrize(
    ("value", "quoted"),
    [("dbx_123", "dbx_123"), ("a/b", "a%2Fb"), ("../etc", "..%2Fetc"), ("x y?z#", "x%20y%3Fz%23")],
)
def test_path_param_quotes_everything_unsafe(value: str, quoted: str) -> None:
    assert path_param("id", value) == quoted


@pytest.mark.parametrize("value", ["", None, 5])
def test_path_param_rejects_empty_or_non_string(value: Any) -> None:
    with pytest.raises(ValueError, match="`id`"):
        path_param("id", value)


def test_empty_id_fails_before_any_request() -> None:
    script = Script()
    with sync_api(script) as api, pytest.raises(ValueError, match="non-empty string for `id`"):
        api.devboxes.retrieve("")
    assert script.requests == []


def test_slashes_in_an_id_cannot_change_the_path() -> None:
    script = Script(httpx.Response(404))
    with sync_api(script, max_retries=0) as api, pytest.raises(Exception, match="404"):
        api.secrets.retrieve("../devboxes")
    assert script.requests[0].url.raw_path == b"/v1/secrets/..%2Fdevboxes"


def test_clean_params_drops_none_and_lets_extra_win() -> None:
    params = clean_params({"a": 1, "b": None, "c": {"d": None, "e": 2}}, {"a": 9, "z": None})
    assert params == {"a": 9, "c": {"e": 2}, "z": None}
    assert clean_params({"flag": False, "n": 0, "s": ""}) == {"flag": False, "n": 0, "s": ""}


def test_to_json_dumps_models_and_paths() -> None:
    launch = LaunchParameters(keep_alive_time_seconds=60)
    assert to_json({"lp": launch, "p": Path("/tmp/x"), "xs": (1, None)}) == {
        "lp": {"keep_alive_time_seconds": 60},
        "p": "/tmp/x",
        "xs": [1, None],
    }


def test_file_name_of() -> None:
    assert file_name_of("/a/b/report.csv") == "report.csv"
    assert file_name_of(Path("data.bin")) == "data.bin"
    assert file_name_of(b"raw") == "upload"
    assert file_name_of(io.BytesIO(b"x")) == "upload"


def test_open_upload_accepts_bytes_paths_and_binary_files(tmp_path: Path) -> None:
    target = tmp_path / "in.bin"
    target.write_bytes(b"abc")
    with open_upload(b"xyz") as (name, handle, _):
        assert (name, handle.read()) == ("upload", b"xyz")
    with open_upload(target) as (name, handle, content_type):
        assert (name, handle.read(), content_type) == ("in.bin", b"abc", "application/octet-stream")
    assert handle.closed  # a path opened for the upload is closed after it
    with target.open("rb") as mine, open_upload(mine) as (name, handle, _):
        assert handle is mine
    with pytest.raises(TypeError, match="binary"), open_upload(io.StringIO("text")):  # type: ignore[arg-type]
        pass
    with pytest.raises(TypeError, match="Cannot upload int"), open_upload(5):  # type: ignore[arg-type]
        pass
    with pytest.raises(FileNotFoundError), open_upload(tmp_path / "missing"):
        pass


def test_next_cursor() -> None:
    views = [DevboxView.model_validate({**DEVBOX, "id": f"dbx_{n}"}) for n in range(3)]
    assert next_cursor(views, True) == "dbx_2"
    assert next_cursor(views, False) is None
    assert next_cursor(views, None) is None
    assert next_cursor([], True) is None
    assert next_cursor([object()], True) is None


def test_resume_offset_is_the_position_after_the_chunk() -> None:
    assert resume_offset(ExecUpdateChunkView(output="abc", offset=10), None) == "10"
    assert resume_offset(ExecUpdateChunkView(output="abc"), "7") == "7"
    assert resume_offset(object(), None) is None


def decode_all(lines: list[str]) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    return [event for line in lines if (event := decoder.decode(line)) is not None]


def test_sse_decoder() -> None:
    lines = [
        ": comment",
        "event: update",
        "id: 3",
        "data: one",
        "data:two",
        "data:  three",
        "",
        "",
        "data: x",
    ]
    assert decode_all(lines) == [ServerSentEvent(data="one\ntwo\n three", event="update", id="3")]
    # The id carries over to later events; a line without a colon is a field with an empty value.
    assert decode_all(["id: 9", "data: a", "", "data", "", "retry: 5", "unknown: 1", ""]) == [
        ServerSentEvent(data="a", id="9"),
        ServerSentEvent(data="", id="9"),
    ]
    assert decode_all(["id: bad\0id", "data: z", ""]) == [ServerSentEvent(data="z")]


def test_sse_data_gives_each_event_s_data_in_bytes_as_the_decoder_does_in_text() -> None:
    body = b": c\nevent: update\nid: 3\ndata: one\ndata:two\ndata:  \xc3\xbc\n\nevent: x\n\ndata\n\ndata: z"
    splitter, data = SSELines(), SSEData()
    lines = [
        line for cut in (body[:7], body[7:]) for line in splitter.feed_bytes(cut)
    ] + splitter.flush_bytes()
    found = [d for line in lines if (d := data.decode(line)) is not None]
    assert found == [b"one\ntwo\n \xc3\xbc", b"", b""]  # the unfinished last event is not one
    decoder = SSEDecoder()
    text = [e.data for line in lines if (e := decoder.decode(line.decode())) is not None]
    assert [d.decode() for d in found] == text


def _lines(chunks: list[bytes]) -> list[str]:
    splitter = SSELines()
    return [line for chunk in chunks for line in splitter.feed(chunk)] + splitter.flush()


def test_sse_lines_end_at_cr_lf_or_crlf_only() -> None:
    body = "data: a\u2028b\x85c\x0bd\x1ce\r\n\r\ndata: ü\rdata: two\n\nlast".encode()
    expected = ["data: a\u2028b\x85c\x0bd\x1ce", "", "data: ü", "data: two", "", "last"]
    assert _lines([body]) == expected
    for cut in range(len(body) + 1):  # split anywhere: in a CRLF, in a character, in a long line
        assert _lines([body[:cut], body[cut:]]) == expected, cut
    assert _lines([bytes([b]) for b in body]) == expected
    assert _lines([b"data: x\r", b"\r"]) == ["data: x", ""]
    assert _lines([b"x" * 100_000 for _ in range(30)] + [b"\n"]) == ["x" * 3_000_000]


def test_extra_body_can_send_an_explicit_null() -> None:
    script = Script(json_response(200, DEVBOX))
    with sync_api(script) as api:
        api.devboxes.update("dbx_1", name="kept", metadata=None, extra_body={"entrypoint": None})
    assert script.requests[0].read() == b'{"name":"kept","entrypoint":null}'
