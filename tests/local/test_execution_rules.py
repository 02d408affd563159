"""Unit tests of execution decisions: output offsets, tails, UTF-8 boundaries, stdin, waits."""

from __future__ import annotations

from pathlib import Path

import pytest

from runloop_api.types import ExecUpdateChunkView
from runloop_local.db.output_files import OutputFiles
from runloop_local.devboxes.store import Store
from runloop_local.executions.live import LiveExecution
from runloop_local.executions.records import ExecutionRecord
from runloop_local.executions.rules import (
    chunk_event,
    gather_first,
    parse_last_n,
    parse_offset,
    stdin_actions,
    stream_chunk,
    tail_lines,
    utf8_complete_prefix,
    utf8_start,
    view_start,
    wait_is_over,
)
from runloop_local.http.errors import ApiError


def test_parse_last_n_and_offset() -> None:
    assert parse_last_n(None) == 100
    assert parse_last_n("7") == 7
    assert parse_last_n("0") is None
    assert parse_last_n("007") == 7
    # Only ASCII digits (the spec's pattern), though int() takes signs, spaces, _ and other digits.
    for bad in ("x", "-1", "1.5", "+1", " 1", "1_0", "\u0663"):
        with pytest.raises(ApiError, match="last_n"):
            parse_last_n(bad)
    assert parse_offset(None) == 0
    assert parse_offset("12") == 12
    # Past SQLite's integers (and int()'s digit limit) a position means "never": capped, not a 500.
    assert parse_offset("1" + "0" * 19) == 2**62
    assert parse_offset("9" * 5000) == 2**62
    assert parse_last_n("9" * 5000) == 2**62
    for bad in ("x", "-3", "+3"):
        with pytest.raises(ApiError, match="offset"):
            parse_offset(bad)


def test_tail_lines() -> None:
    assert tail_lines(b"a\nb\nc\n", 2) == ("b\nc\n", True)
    assert tail_lines(b"a\nb\nc", 2) == ("b\nc", True)
    assert tail_lines(b"a\nb\n", 2) == ("a\nb\n", False)
    assert tail_lines(b"a\nb\n", 5) == ("a\nb\n", False)
    assert tail_lines(b"a\nb\n", None) == ("a\nb\n", False)
    assert tail_lines(b"", 3) == ("", False)
    assert tail_lines(b"\xff\n", 1) == ("\ufffd\n", False)


def test_utf8_complete_prefix() -> None:
    text = "aé€😀".encode()
    assert utf8_complete_prefix(text) == len(text)
    for cut, expected in [(1, 1), (2, 1), (3, 3), (4, 3), (5, 3), (6, 6), (7, 6), (8, 6), (9, 6), (10, 10)]:
        assert utf8_complete_prefix(text[:cut]) == expected, cut
    assert utf8_complete_prefix(b"\x80\x80\x80\x80") == 4  # junk is not held back
    assert utf8_complete_prefix(b"") == 0
    assert utf8_start("é".encode()[1:] + b"x") == 1
    assert utf8_start("😀".encode()[1:] + b"x") == 3
    assert utf8_start(b"abc") == 0
    assert utf8_start(b"") == 0


def test_stored_and_live_output_read_by_ranges(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    files = store.output_files
    try:
        rec = ExecutionRecord(id="exe_1", devbox_id="dbx_1", command="x", create_time_ms=0)
        live = LiveExecution(rec, store)
        live.on_stdout(b"abc")
        live.flush()  # "abc" in the file, nothing in memory
        live.on_stdout(b"defg")
        live.flush(keep=True)  # "defg" in both
        live.on_stdout(b"hi")  # "hi" in memory only
        whole = b"abcdefghi"
        for offset in range(len(whole) + 1):
            assert live.read("stdout", offset) == whole[offset:]
            for limit in range(1, 5):
                assert live.read("stdout", offset, limit) == whole[offset : offset + limit], (offset, limit)
        assert files.read("dbx_1", "exe_1", "stdout", 0, 100) == b"abcdefg"
        assert files.read("dbx_1", "exe_1", "stdout", 2, 3) == b"cde"
        assert files.read("dbx_1", "exe_1", "stdout", 9, 100) == b""
        assert live.length("stdout") == 9
        assert (rec.stdout_len, rec.stderr_len) == (7, 0)  # what the files hold
        assert files.size("dbx_1", "exe_1", "stdout") == 7
        assert not files.path("dbx_1", "exe_1", "stderr").exists()  # nothing printed: no file
        assert files.read("dbx_1", "exe_1", "stderr", 0, 100) == b""
        live.close()
        live.on_stdout(b"late")  # after the end nothing counts, and no file is opened again
        assert live.read("stdout", 0) == whole
    finally:
        store.close()


def test_output_files_refuse_names_that_are_not_ids(tmp_path: Path) -> None:
    files = OutputFiles(tmp_path)
    for devbox_id, execution_id, stream in [
        ("..", "exe_1", "stdout"),
        ("dbx_1", "../x", "stdout"),
        ("dbx_1", "exe_1", "stdin"),
        ("", "exe_1", "stdout"),
    ]:
        with pytest.raises(ValueError):
            files.path(devbox_id, execution_id, stream)


@pytest.mark.parametrize(
    ("text", "signal", "expected"),
    [
        ("hi", None, ["write"]),
        ("hi", "EOF", ["write", "close"]),
        (None, "EOF", ["close"]),
        ("", "EOF", ["close"]),
        ("x", "INTERRUPT", ["write", "interrupt"]),
        (None, "INTERRUPT", ["interrupt"]),
    ],
)
def test_stdin_actions(text: str | None, signal: str | None, expected: list[str]) -> None:
    assert stdin_actions(text, signal) == expected


def test_stdin_actions_need_text_or_signal() -> None:
    with pytest.raises(ApiError, match="`text` or `signal`"):
        stdin_actions(None, None)


@pytest.mark.parametrize(
    ("status", "statuses", "over"),
    [
        ("running", ["running"], True),
        ("queued", ["running"], False),  # a named shell's command waits for the one before it
        ("running", ["queued"], True),  # it has left the queue
        ("queued", ["queued"], True),
        ("completed", ["running"], False),
        ("running", ["completed"], False),
        ("completed", ["completed"], True),
    ],
)
def test_wait_is_over(status: str, statuses: list[str], over: bool) -> None:
    assert wait_is_over(status, statuses) is over


def test_stream_chunk_holds_back_a_split_character_while_running() -> None:
    euro = "€".encode()
    assert stream_chunk(b"a" + euro[:2], done=False, limit=64) == b"a"
    assert stream_chunk(b"a" + euro[:2], done=True, limit=64) == b"a" + euro[:2]
    assert stream_chunk(b"a" + euro[:2], done=True, limit=3) == b"a"  # cut by the limit: more follows
    assert stream_chunk(b"a" + euro, done=False, limit=64) == b"a" + euro


def test_view_start_drops_a_partial_leading_character_only_when_cut() -> None:
    euro = "€".encode()
    assert view_start(euro[1:] + b"x", cut=True) == (b"x", True)
    assert view_start(euro + b"x", cut=True) == (euro + b"x", True)
    assert view_start(euro[1:] + b"x", cut=False) == (euro[1:] + b"x", False)


@pytest.mark.parametrize(
    "text", ["", "hi\n", 'quote " back \\ tab \t nul \x00 bell \x07', "é😀\u2028\ud7ff", "a" * 70_000]
)
def test_chunk_event_is_the_spec_s_chunk_view_as_one_server_sent_event(text: str) -> None:
    event = chunk_event(text.encode(), 123)
    assert event.startswith(b"data: ") and event.endswith(b"\n\n")
    assert b"\n" not in event[:-2]  # one line: a line break would end the event's data
    parsed = ExecUpdateChunkView.model_validate_json(event[len(b"data: ") : -2])
    assert (parsed.output, parsed.offset) == (text, 123)


def test_chunk_event_shows_output_that_is_not_utf8_with_replacement_characters() -> None:
    event = chunk_event(b"ok \xff\xfe end \xe2\x82", 9)
    parsed = ExecUpdateChunkView.model_validate_json(event[len(b"data: ") : -2])
    assert (parsed.output, parsed.offset) == ("ok \ufffd\ufffd end \ufffd", 9)


def test_a_small_chunk_of_a_running_command_waits_once_for_more() -> None:
    assert gather_first(100, done=False, gathered=False, least=1000)
    assert not gather_first(100, done=False, gathered=True, least=1000)  # only once
    assert not gather_first(100, done=True, gathered=False, least=1000)  # the end goes at once
    assert not gather_first(1000, done=False, gathered=False, least=1000)  # big enough
    assert not gather_first(0, done=False, gathered=False, least=1000)  # nothing: wait for output
