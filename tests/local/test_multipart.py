"""The streaming multipart reader: bodies split anywhere read the same; broken bodies are 400s."""

from __future__ import annotations

import itertools
import random

import httpx
import pytest

from runloop_local.http.errors import ApiError
from runloop_local.http.multipart import MultipartReader, PartData, PartEnd, PartStart, boundary_of

# Contents that look like the delimiter's start, split across any chunk edge.
TRICKY = b"a\r\n-\r\n--\r\n--bou\r\r\n\r\n--boundar" + bytes(range(256)) + b"\r"


def _encode(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[str, bytes]:
    request = httpx.Request("POST", "http://x/", data=fields, files=files)
    return request.headers["content-type"], request.read()


def _parts(content_type: str, chunks: list[bytes]) -> list[tuple[str, str | None, bytes]]:
    reader = MultipartReader(boundary_of(content_type))
    parts: list[tuple[str, str | None, bytes]] = []
    current: bytearray | None = None
    for chunk in chunks:
        for event in reader.feed(chunk):
            if isinstance(event, PartStart):
                current = bytearray()
                parts.append((event.name, event.filename, b""))
            elif isinstance(event, PartData):
                assert current is not None
                current += event.data
            else:
                assert isinstance(event, PartEnd) and current is not None
                parts[-1] = (*parts[-1][:2], bytes(current))
                current = None
    reader.finish()
    return parts


def _split(body: bytes, cuts: list[int]) -> list[bytes]:
    edges = [0, *sorted(cuts), len(body)]
    return [body[a:b] for a, b in itertools.pairwise(edges)]


def test_a_body_reads_the_same_split_at_any_byte() -> None:
    content_type, body = _encode({"path": "dir/ä.bin"}, {"file": ("x.bin", TRICKY)})
    expected = [("path", None, "dir/ä.bin".encode()), ("file", "x.bin", TRICKY)]
    assert _parts(content_type, [body]) == expected
    for cut in range(len(body)):
        assert _parts(content_type, _split(body, [cut])) == expected, cut
    assert _parts(content_type, [bytes([b]) for b in body]) == expected


def test_large_parts_in_random_chunks() -> None:
    rng = random.Random(7)
    data = rng.randbytes(3_000_000) + TRICKY * 100
    content_type, body = _encode({"path": "p", "other": "v"}, {"file": ("big", data)})
    for _ in range(5):
        cuts = [rng.randrange(len(body)) for _ in range(rng.randrange(1, 400))]
        assert _parts(content_type, _split(body, cuts)) == [
            ("path", None, b"p"),
            ("other", None, b"v"),
            ("file", "big", data),
        ]


def test_closing_delimiter_without_line_break_and_preamble() -> None:
    body = b'preamble\r\n--b\r\nContent-Disposition: form-data; name="f"\r\n\r\nv\r\n--b--'
    assert _parts("multipart/form-data; boundary=b", [body]) == [("f", None, b"v")]


@pytest.mark.parametrize(
    ("content_type", "body", "message"),
    [
        ("application/json", b"{}", "must be multipart/form-data"),
        ("multipart/form-data", b"", "no valid boundary"),
        (
            "multipart/form-data; boundary=b",
            b"--b\r\nContent-Disposition: form-data; name=f\r\n\r\nv",
            "ends before",
        ),
        ("multipart/form-data; boundary=b", b"--b\r\nX-Other: 1\r\n\r\nv\r\n--b--", "no content-disposition"),
        ("multipart/form-data; boundary=b", b"--b\r\nno colon\r\n\r\nv\r\n--b--", "malformed header"),
        ("multipart/form-data; boundary=b", b"--b junk\r\n", "followed by other bytes"),
        ("multipart/form-data; boundary=b", b"--b\r\n" + b"X: " + b"y" * 20000, "headers are longer"),
    ],
)
def test_broken_bodies_are_bad_requests(content_type: str, body: bytes, message: str) -> None:
    with pytest.raises(ApiError, match=message) as caught:
        _parts(content_type, [body])
    assert caught.value.status == 400
