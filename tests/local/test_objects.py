"""Storage objects end to end through ``runloop_api``: create, presigned upload, complete, list,
presigned download, delete; the signatures; sizes; expiry; restart; bad input."""

from __future__ import annotations

import errno
import hashlib
import os
import socket
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from runloop_api import BadRequestError, ConflictError, NotFoundError, RunloopAPI
from runloop_api.types import ObjectView
from runloop_local import LocalEngine
from runloop_local.http.auth import is_presigned
from runloop_local.objects import service as objects_module
from runloop_local.objects.urls import DOWNLOAD, UPLOAD, load_key, sign, signature_ok, signed_url

from ._spec_check import ValidatingClient

MiB = 1024 * 1024


def _chunks(data: bytes, size: int = 256 * 1024) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _upload(view: ObjectView, data: bytes, *, stream: bool = False) -> httpx.Response:
    """PUTs ``data`` to the object's upload URL as a client would: plain httpx, no token."""
    assert view.upload_url
    content = _chunks(data) if stream else data
    return httpx.put(view.upload_url, content=content, timeout=60)


def _download(url: str) -> tuple[int, bytes]:
    digest, parts = hashlib.sha256(), []
    with httpx.stream("GET", url, timeout=60) as response:
        for chunk in response.iter_bytes():
            parts.append(chunk)
            digest.update(chunk)
        return response.status_code, b"".join(parts)


def _stored(
    api: RunloopAPI,
    name: str,
    data: bytes,
    *,
    metadata: dict[str, str] | None = None,
    ttl_ms: int | None = None,
) -> ObjectView:
    view = api.objects.create(name=name, content_type="binary", metadata=metadata, ttl_ms=ttl_ms)
    assert _upload(view, data).status_code == 200
    return api.objects.complete(view.id)


def _staged(data_dir: Path) -> list[Path]:
    staging = data_dir / "objects" / ".staging"
    return list(staging.iterdir()) if staging.is_dir() else []


def _with_query(url: str, **changes: str | None) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return parts._replace(query=urlencode(query)).geturl()


@pytest.fixture
def raw(engine: LocalEngine) -> Iterator[httpx.Client]:
    """A plain httpx client with the engine's token."""
    with httpx.Client(
        base_url=engine.base_url, headers={"authorization": f"Bearer {engine.token}"}, timeout=60
    ) as client:
        yield client


# -- pure parts -----------------------------------------------------------------------------------


def test_signatures_bind_action_object_and_expiry(tmp_path: Path) -> None:
    key = load_key(tmp_path)
    assert load_key(tmp_path) == key and len(key) == 32
    assert (tmp_path / "object_urls.key").stat().st_mode & 0o777 == 0o600
    sig = sign(key, UPLOAD, "obj_a")
    assert signature_ok(key, UPLOAD, "obj_a", sig)
    assert not signature_ok(key, DOWNLOAD, "obj_a", sig)
    assert not signature_ok(key, UPLOAD, "obj_b", sig)
    assert not signature_ok(b"x" * 32, UPLOAD, "obj_a", sig)
    assert not signature_ok(key, UPLOAD, "obj_a", None)
    assert not signature_ok(key, UPLOAD, "obj_a", "")
    assert not signature_ok(key, UPLOAD, "obj_a", "é" + sig[1:])
    timed = sign(key, DOWNLOAD, "obj_a", 100)
    assert signature_ok(key, DOWNLOAD, "obj_a", timed, 100)
    assert not signature_ok(key, DOWNLOAD, "obj_a", timed, 101)
    url = signed_url("http://h:1/", key, DOWNLOAD, "obj_a", 100)
    assert url == f"http://h:1/_local/objects/obj_a/download?expires=100&sig={timed}"


def test_only_the_presigned_paths_skip_the_token() -> None:
    assert is_presigned("PUT", "/_local/objects/obj_abc/upload")
    assert is_presigned("GET", "/_local/objects/obj_abc/download")
    for method, path in [
        ("GET", "/_local/objects/obj_abc/upload"),
        ("POST", "/_local/objects/obj_abc/upload"),
        ("PUT", "/_local/objects/obj_abc/download"),
        ("DELETE", "/_local/objects/obj_abc/download"),
        ("HEAD", "/_local/objects/obj_abc/download"),
        ("PUT", "/_local/objects/obj_a/b/upload"),
        ("PUT", "/_local/objects/obj_../upload"),
        ("PUT", "/_local/objects/dbx_abc/upload"),
        ("PUT", "/_local/objects/obj_abc/upload/"),
        ("GET", "/_local/objects/obj_abc/download/x"),
        ("GET", "/v1/objects/obj_abc/download"),
        ("GET", "/x/_local/objects/obj_abc/download"),
    ]:
        assert not is_presigned(method, path), (method, path)


# -- the whole round trip -------------------------------------------------------------------------


def test_create_upload_complete_list_download_delete(api: RunloopAPI, engine: LocalEngine) -> None:
    data = os.urandom(5 * MiB + 123)
    view = api.objects.create(name="blob.bin", content_type="binary", metadata={"suite": "objects"})
    assert (view.state, view.size_bytes, view.name, view.metadata) == (
        "UPLOADING",
        None,
        "blob.bin",
        {"suite": "objects"},
    )
    assert view.upload_url and view.upload_url.startswith(engine.base_url)
    assert _upload(view, data, stream=True).status_code == 200  # chunked, without the token
    done = api.objects.complete(view.id)
    assert (done.state, done.size_bytes, done.upload_url) == ("READ_ONLY", len(data), None)
    assert api.objects.retrieve(view.id) == done
    assert view.id in [o.id for o in api.objects.list(state="READ_ONLY", limit=100).items]

    url = api.objects.download(view.id).download_url
    assert url.startswith(engine.base_url)
    status, got = _download(url)
    assert status == 200 and hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
    with httpx.stream("GET", url) as response:
        assert response.headers["content-length"] == str(len(data))
        assert response.headers["content-type"] == "application/octet-stream"

    deleted = api.objects.delete(view.id)
    assert (deleted.id, deleted.state) == (view.id, "DELETED")
    assert not (engine.data_dir / "objects" / view.id).exists()
    kept = api.objects.retrieve(view.id)  # the record stays, as on the service; the bytes are gone
    assert (kept.id, kept.state, kept.name) == (view.id, "DELETED", view.name)
    assert view.id in [o.id for o in api.objects.list(state="DELETED", limit=100).items]
    for call in (
        lambda: api.objects.complete(view.id),
        lambda: api.objects.delete(view.id),
        lambda: api.objects.download(view.id),
    ):
        with pytest.raises(NotFoundError):
            call()
    assert _download(url)[0] == 404
    assert view.id not in [o.id for o in api.objects.list(limit=100).items]


def test_text_and_empty_objects(api: RunloopAPI) -> None:
    text = api.objects.create(name="notes.txt", content_type="text")
    assert _upload(text, "héllo\n".encode()).status_code == 200
    api.objects.complete(text.id)
    status, got = _download(api.objects.download(text.id).download_url)
    assert (status, got.decode()) == (200, "héllo\n")
    empty = api.objects.create(name="empty", content_type="unspecified")
    assert _upload(empty, b"").status_code == 200
    assert api.objects.complete(empty.id).size_bytes == 0
    assert _download(api.objects.download(empty.id).download_url) == (200, b"")


def test_a_later_upload_replaces_an_earlier_one_until_complete(api: RunloopAPI) -> None:
    view = api.objects.create(name="twice", content_type="binary")
    with pytest.raises(BadRequestError, match="no contents yet"):
        api.objects.complete(view.id)
    with pytest.raises(BadRequestError, match="UPLOADING"):
        api.objects.download(view.id)
    assert _upload(view, b"first").status_code == 200
    assert _upload(view, b"second!").status_code == 200
    assert api.objects.complete(view.id).size_bytes == 7
    with pytest.raises(ConflictError, match="READ_ONLY"):
        api.objects.complete(view.id)
    late = _upload(view, b"third")
    assert late.status_code == 409 and "READ_ONLY" in late.json()["message"]
    assert _download(api.objects.download(view.id).download_url) == (200, b"second!")


def test_a_delete_does_not_cut_a_download_short(api: RunloopAPI) -> None:
    data = os.urandom(4 * MiB)
    view = _stored(api, "big", data)
    url = api.objects.download(view.id).download_url
    with httpx.stream("GET", url) as response:
        chunks = response.iter_bytes()
        first = next(chunks)
        api.objects.delete(view.id)
        assert first + b"".join(chunks) == data
    assert _download(url)[0] == 404


def test_a_delete_during_an_upload_keeps_nothing(api: RunloopAPI, engine: LocalEngine) -> None:
    view = api.objects.create(name="racing", content_type="binary")
    assert view.upload_url

    def body() -> Iterator[bytes]:
        yield b"a" * MiB
        api.objects.delete(view.id)  # while the engine is still receiving
        yield b"b" * MiB

    response = httpx.put(view.upload_url, content=body(), timeout=60)
    assert response.status_code == 404 and "not found" in response.json()["message"]
    assert not (engine.data_dir / "objects" / view.id).exists()
    assert not _staged(engine.data_dir)


# -- signatures -----------------------------------------------------------------------------------


def test_upload_urls_need_their_signature(api: RunloopAPI, engine: LocalEngine) -> None:
    view = api.objects.create(name="guarded", content_type="binary")
    other = api.objects.create(name="other", content_type="binary")
    assert view.upload_url and other.upload_url
    sig = parse_qs(urlsplit(view.upload_url).query)["sig"][0]
    bad_urls = [
        _with_query(view.upload_url, sig=None),
        _with_query(view.upload_url, sig=""),
        _with_query(view.upload_url, sig="0" * 64),
        _with_query(view.upload_url, sig=sig[:-1]),
        _with_query(view.upload_url, sig=sig.upper()),
        _with_query(view.upload_url, sig=parse_qs(urlsplit(other.upload_url).query)["sig"][0]),
        view.upload_url.replace(view.id, other.id),
    ]
    for url in bad_urls:
        response = httpx.put(url, content=b"evil")
        assert response.status_code == 403, url
        assert "signature" in response.json()["message"]
    # The engine's token does not stand in for the signature.
    response = httpx.put(bad_urls[0], content=b"evil", headers={"authorization": f"Bearer {engine.token}"})
    assert response.status_code == 403
    for id in (view.id, other.id):
        with pytest.raises(BadRequestError, match="no contents yet"):
            api.objects.complete(id)  # nothing reached a file
    assert not list((engine.data_dir / "objects").glob(f"{view.id}*"))


def test_download_urls_need_their_signature_and_expire(api: RunloopAPI) -> None:
    view = _stored(api, "secret.bin", b"top secret")
    other = _stored(api, "other.bin", b"other")
    url = api.objects.download(view.id, duration_seconds=60).download_url
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert int(query["expires"]) - time.time() == pytest.approx(60, abs=5)
    assert view.upload_url is None
    upload_sig = parse_qs(urlsplit(api.objects.create(name="u", content_type="text").upload_url or "").query)
    bad_urls = [
        _with_query(url, sig=None),
        _with_query(url, sig="f" * 64),
        _with_query(url, expires=None),
        _with_query(url, expires=str(int(query["expires"]) + 3600)),  # a longer life, same sig
        _with_query(url, expires="-1"),
        _with_query(url, expires="soon"),
        _with_query(url, expires="9" * 40),
        url.replace(view.id, other.id),
        _with_query(url, sig=upload_sig["sig"][0]),
    ]
    for bad in bad_urls:
        response = httpx.get(bad)
        assert response.status_code == 403, bad
        assert "signature" in response.json()["message"]
        assert b"top secret" not in response.content
    assert httpx.get(url.replace("/download?", "/upload?")).status_code == 401  # GET of upload: no exemption
    assert httpx.post(url).status_code == 401
    assert httpx.head(url).status_code == 401
    assert httpx.get(url.replace("/_local/objects/", "/_local/objects/x/")).status_code == 401
    short = api.objects.download(view.id, duration_seconds=1).download_url
    assert _download(short) == (200, b"top secret")
    time.sleep(2.1)
    expired = httpx.get(short)
    assert expired.status_code == 403 and "expired" in expired.json()["message"]
    assert _download(url) == (200, b"top secret")


# -- list, metadata, public ------------------------------------------------------------------------


def test_list_filters_and_pages(api: RunloopAPI, raw: httpx.Client) -> None:
    tag = os.urandom(4).hex()
    made = [
        _stored(api, f"{tag}-a.txt", b"a"),
        api.objects.create(name=f"{tag}-b.tgz", content_type="tgz"),
        api.objects.create(name=f"{tag}-c%_.txt", content_type="text", metadata={tag: "x"}),
        api.objects.create(name=f"{tag}-d.txt", content_type="text", metadata={tag: "y"}),
    ]
    ids = [v.id for v in made]
    newest_first = ids[::-1]
    assert [o.id for o in api.objects.list(name=tag, limit=100).items] == newest_first
    assert [o.id for o in api.objects.list(name=f"{tag}-c%_", limit=100).items] == [ids[2]]
    assert [o.id for o in api.objects.list(name=f"{tag}-c%", limit=100).items] == [ids[2]]
    assert api.objects.list(name=f"{tag}%d", limit=100).items == []  # % is literal
    assert [o.id for o in api.objects.list(name=tag, content_type="tgz").items] == [ids[1]]
    assert [o.id for o in api.objects.list(name=tag, state="READ_ONLY").items] == [ids[0]]
    assert api.objects.list(name=tag, state="DELETED").items == []
    assert [o.id for o in api.objects.list(search=ids[3]).items] == [ids[3]]
    assert [o.id for o in api.objects.list(search=f"{tag}-b").items] == [ids[1]]

    first = api.objects.list(name=tag, limit=3)
    assert ([o.id for o in first.items], first.has_more, first.total_count) == (newest_first[:3], True, 4)
    rest = first.next_page()
    assert ([o.id for o in rest.items], rest.has_more) == (newest_first[3:], False)
    assert [o.id for o in api.objects.list(name=tag, limit=1)] == newest_first  # walks every page
    assert api.objects.list(name=tag, include_total_count=False).total_count is None

    for params, field in [
        ({"limit": "0"}, "limit"),
        ({"limit": "x"}, "limit"),
        ({"state": "GONE"}, "state"),
        ({"content_type": "pdf"}, "content_type"),
        ({"include_total_count": "maybe"}, "include_total_count"),
        ({"starting_after": "obj_nope"}, "starting_after"),
    ]:
        response = raw.get("/v1/objects", params=params)
        assert response.status_code == 400, (params, response.text)
        assert f"`{field}`" in response.json()["message"]
    assert raw.get("/v1/objects/list_public", params={"state": "GONE"}).status_code == 400

    public = api.objects.list_public()
    assert (public.items, public.has_more, public.total_count) == ([], False, 0)
    assert api.objects.list_public(name=tag, include_total_count=False).total_count is None

    assert tag in (api.objects.metadata_keys().keys or [])
    assert api.objects.metadata_values(tag).values == ["x", "y"]
    api.objects.delete(ids[2])
    assert api.objects.metadata_values(tag).values == ["y"]
    assert api.objects.metadata_values("no-such-key").values == []


# -- expiry, sizes, broken uploads -------------------------------------------------------------


def test_ttl_sets_delete_after_and_expires(api: RunloopAPI, engine: LocalEngine) -> None:
    long = api.objects.create(name="long", content_type="text", ttl_ms=3_600_000)
    assert long.delete_after_time_ms == long.create_time_ms + 3_600_000
    view = _stored(api, "short", b"soon gone", ttl_ms=1000)
    url = api.objects.download(view.id).download_url
    assert view.delete_after_time_ms == view.create_time_ms + 1000
    time.sleep(1.2)
    assert view.id not in [o.id for o in api.objects.list(limit=100).items]
    assert api.objects.retrieve(view.id).state == "DELETED"  # expired: deleted, the record kept
    assert httpx.get(url).status_code == 404
    assert not (engine.data_dir / "objects" / view.id).exists()
    assert api.objects.retrieve(long.id).state == "UPLOADING"


def test_uploads_over_the_limit_are_413_and_keep_nothing(
    api: RunloopAPI, engine: LocalEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(objects_module, "MAX_OBJECT_BYTES", 1000)
    view = api.objects.create(name="big", content_type="binary")
    declared = _upload(view, b"x" * 1001)
    assert declared.status_code == 413 and "1000 bytes" in declared.json()["message"]
    chunked = _upload(view, b"x" * 3000, stream=True)  # no Content-Length: counted as it comes
    assert chunked.status_code == 413
    with pytest.raises(BadRequestError, match="no contents yet"):
        api.objects.complete(view.id)
    assert not _staged(engine.data_dir)
    assert _upload(view, b"x" * 1000).status_code == 200
    assert api.objects.complete(view.id).size_bytes == 1000


def test_a_full_disk_fails_the_upload_cleanly(
    api: RunloopAPI, engine: LocalEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def full(body: AsyncIterator[bytes], target: Path) -> int:
        target.write_bytes(b"part")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(objects_module, "_write", full)
    view = api.objects.create(name="full", content_type="binary")
    response = _upload(view, b"data")
    assert response.status_code == 507 and "No space left" in response.json()["message"]
    assert not _staged(engine.data_dir)
    with pytest.raises(BadRequestError, match="no contents yet"):
        api.objects.complete(view.id)


def test_a_client_that_hangs_up_mid_upload_leaves_nothing(api: RunloopAPI, engine: LocalEngine) -> None:
    view = api.objects.create(name="cut", content_type="binary")
    assert view.upload_url
    url = urlsplit(view.upload_url)
    with socket.create_connection((url.hostname or "", url.port or 80)) as sock:
        head = f"PUT {url.path}?{url.query} HTTP/1.1\r\nHost: {url.netloc}\r\nContent-Length: 1000000\r\n\r\n"
        sock.sendall(head.encode() + b"y" * 300_000)
        deadline = time.monotonic() + 5
        while not _staged(engine.data_dir) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _staged(engine.data_dir)  # the upload is under way when the client hangs up
    deadline = time.monotonic() + 5
    while _staged(engine.data_dir) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _staged(engine.data_dir)
    with pytest.raises(BadRequestError, match="no contents yet"):
        api.objects.complete(view.id)


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "not valid JSON"),
        (b"", "empty"),
        (b'{"content_type": "text"}', "`name`"),
        (b'{"name": "a"}', "`content_type`"),
        (b'{"name": "a", "content_type": "pdf"}', "`content_type`"),
        (b'{"name": 5, "content_type": "text"}', "`name`"),
        (b'{"name": "  ", "content_type": "text"}', "`name`"),
        (b'{"name": "a", "content_type": "text", "metadata": {"k": 1}}', "`metadata.k`"),
        (b'{"name": "a", "content_type": "text", "ttl_ms": 0}', "`ttl_ms`"),
        (b'{"name": "a", "content_type": "text", "ttl_ms": 99999999999999999999999}', "`ttl_ms`"),
        (b'{"name": "a", "content_type": "text", "ttl_ms": "soon"}', "`ttl_ms`"),
    ],
)
def test_bad_create_is_400_naming_the_field_and_records_nothing(
    raw: httpx.Client, body: bytes, field: str
) -> None:
    before = raw.get("/v1/objects", params={"limit": 1}).json()["total_count"]
    response = raw.post("/v1/objects", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert field in response.json()["message"]
    assert raw.get("/v1/objects", params={"limit": 1}).json()["total_count"] == before


def test_bad_download_durations_and_unknown_ids(api: RunloopAPI, raw: httpx.Client) -> None:
    view = _stored(api, "d", b"d")
    for duration in ("0", "-5", "x", str(7 * 24 * 3600 + 1)):
        response = raw.get(f"/v1/objects/{view.id}/download", params={"duration_seconds": duration})
        assert response.status_code == 400
        assert "`duration_seconds`" in response.json()["message"]
    assert api.objects.download(view.id, duration_seconds=7 * 24 * 3600).download_url
    for method, path in [
        ("GET", "/v1/objects/obj_nope"),
        ("POST", "/v1/objects/obj_nope/complete"),
        ("POST", "/v1/objects/obj_nope/delete"),
        ("GET", "/v1/objects/obj_nope/download"),
    ]:
        response = raw.request(method, path)
        assert response.status_code == 404
        assert "not found" in response.json()["message"]


# -- restart ---------------------------------------------------------------------------------------


def test_restart_keeps_objects_files_and_urls(tmp_path: Path, http: ValidatingClient) -> None:
    data_dir = tmp_path / "data"
    data = os.urandom(MiB + 7)
    with (
        LocalEngine(data_dir) as first,
        RunloopAPI(base_url=first.base_url, bearer_token=first.token, http_client=http, max_retries=0) as api,
    ):
        done = _stored(api, "kept.bin", data, metadata={"k": "v"})
        pending = api.objects.create(name="pending", content_type="text")
        assert _upload(pending, b"uploaded, not completed").status_code == 200
        url = api.objects.download(done.id).download_url
        port = urlsplit(url).port
        (data_dir / "objects" / ".staging").mkdir(exist_ok=True)
        (data_dir / "objects" / ".staging" / "broken").write_bytes(b"half")
    (data_dir / "objects" / "obj_stray").write_bytes(b"nobody's")
    with (
        LocalEngine(data_dir) as second,
        RunloopAPI(
            base_url=second.base_url, bearer_token=second.token, http_client=http, max_retries=0
        ) as api,
    ):
        assert api.objects.retrieve(done.id) == done
        assert api.objects.retrieve(pending.id).state == "UPLOADING"
        assert api.objects.complete(pending.id).size_bytes == len(b"uploaded, not completed")
        assert _download(api.objects.download(done.id).download_url) == (200, data)
        # A URL handed out before the restart still works (the key is kept in the data dir).
        old = url.replace(f":{port}/", f":{urlsplit(second.base_url).port}/")
        assert _download(old) == (200, data)
        assert not (data_dir / "objects" / "obj_stray").exists()
        assert not _staged(data_dir)
        assert api.objects.metadata_values("k").values == ["v"]
