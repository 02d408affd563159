"""Commands through the fake API (async): round trips, long-polls, full output, callbacks, streams."""

from __future__ import annotations

import json

import pytest

from runloop_sdk import AsyncDevbox, AsyncRunloopSDK, OutputLine, PollingTimeoutError

from ._fake import Command, FakeRunloop


@pytest.fixture
async def devbox(async_sdk: AsyncRunloopSDK, fake: FakeRunloop) -> AsyncDevbox:
    fake.boot_polls = 0
    return await async_sdk.devbox.create()


async def test_short_command_is_one_round_trip(devbox: AsyncDevbox, fake: FakeRunloop) -> None:
    before = len(fake.requests)
    result = await devbox.cmd.exec("echo hi")
    assert len(fake.requests) == before + 1
    assert fake.paths()[-1] == f"POST /v1/devboxes/{devbox.id}/execute"
    assert (result.exit_code, result.success, result.failed) == (0, True, False)
    assert await result.stdout() == "hi\n"
    assert len(fake.requests) == before + 1  # the output came with the answer


async def test_exit_codes_and_stderr(devbox: AsyncDevbox) -> None:
    result = await devbox.cmd.exec("exit 3")
    assert (result.exit_code, result.success, result.failed) == (3, False, True)
    result = await devbox.cmd.exec("err oops")
    assert await result.stderr() == "oops\n"
    assert result.raw.execution_id == result.execution_id


async def test_long_command_continues_with_long_polls(devbox: AsyncDevbox, fake: FakeRunloop) -> None:
    fake.commands["build"] = Command(stdout="done\n", polls=3)
    result = await devbox.cmd.exec("build")
    assert await result.stdout() == "done\n"
    waits = [p for p in fake.paths() if p.endswith("/wait_for_status")]
    assert len(waits) == 3


async def test_exec_timeout_kills_and_carries_last_state(devbox: AsyncDevbox, fake: FakeRunloop) -> None:
    fake.commands["forever"] = Command(polls=10_000)
    with pytest.raises(PollingTimeoutError) as caught:
        await devbox.cmd.exec("forever", timeout=0.3)
    assert caught.value.last_state.status == "running"
    assert fake.paths()[-1].endswith("/kill")


async def test_full_output_when_the_view_holds_only_the_tail(devbox: AsyncDevbox, fake: FakeRunloop) -> None:
    result = await devbox.cmd.exec("seq 10000")
    assert result.raw.stdout is not None and result.raw.stdout.count("\n") == 100
    full = await result.stdout()
    assert full.splitlines() == [str(i) for i in range(1, 10_001)]
    assert await result.stdout(num_lines=2) == "9999\n10000\n"
    streams = [p for p in fake.paths() if "stream_stdout" in p]
    assert len(streams) == 1  # read once, then cached


async def test_num_lines_served_from_the_view(devbox: AsyncDevbox, fake: FakeRunloop) -> None:
    result = await devbox.cmd.exec("seq 500")
    before = len(fake.requests)
    assert await result.stdout(num_lines=3) == "498\n499\n500\n"
    assert len(fake.requests) == before


async def test_callbacks_get_every_line_in_order(devbox: AsyncDevbox, fake: FakeRunloop) -> None:
    fake.chunk_size = 777  # chunks split lines anywhere
    lines: list[str] = []
    both: list[str] = []
    result = await devbox.cmd.exec("seq 10000", stdout=lines.append, output=both.append)
    assert lines == [str(i) for i in range(1, 10_001)]
    assert both == lines
    assert result.exit_code == 0


async def test_callbacks_survive_a_dropped_stream(devbox: AsyncDevbox, fake: FakeRunloop) -> None:
    fake.chunk_size = 1000
    fake.drop_streams = 1
    lines: list[str] = []
    await devbox.cmd.exec("seq 10000", stdout=lines.append)
    assert lines == [str(i) for i in range(1, 10_001)]
    offsets = [r.url.params.get("offset") for r in fake.requests if "stream_stdout" in r.url.path]
    assert offsets[0] is None and offsets[1] not in (None, "0")  # resumed, not restarted


async def test_callback_exception_surfaces_from_exec(devbox: AsyncDevbox) -> None:
    def explode(line: str) -> None:
        if line == "5":
            raise RuntimeError("callback broke at 5")

    with pytest.raises(RuntimeError, match="callback broke at 5"):
        await devbox.cmd.exec("seq 100", stdout=explode)


async def test_callback_exception_surfaces_from_result(devbox: AsyncDevbox) -> None:
    def explode(line: str) -> None:
        raise KeyError(line)

    execution = await devbox.cmd.exec_async("err bad", stderr=explode)
    with pytest.raises(KeyError):
        await execution.result()


async def test_exec_async_kill_and_stdin(devbox: AsyncDevbox, fake: FakeRunloop) -> None:
    fake.commands["cat"] = Command(polls=10_000)
    execution = await devbox.cmd.exec_async("cat", attach_stdin=True)
    assert (await execution.get_state()).status == "running"
    await execution.send_stdin("hello\n")
    await execution.close_stdin()
    assert fake.executions[execution.execution_id].stdin == ["hello\n", "<EOF>"]
    await execution.kill()
    result = await execution.result()
    assert result.exit_code == 137
    kill = next(r for r in fake.requests if r.url.path.endswith("/kill"))
    assert b'"kill_process_group":true' in kill.content


async def test_line_iterator_resumes_from_a_saved_offset(devbox: AsyncDevbox, fake: FakeRunloop) -> None:
    fake.chunk_size = 100
    execution = await devbox.cmd.exec_async("seq 50")
    first: list[OutputLine] = []
    async for line in execution.stdout_lines():
        first.append(line)
        if line.text == "20":
            break
    saved = first[-1].offset
    rest = [line.text async for line in execution.stdout_lines(offset=saved)]
    assert [line.text for line in first] + rest == [str(i) for i in range(1, 51)]
    assert [line.text async for line in execution.stderr_lines()] == []


async def test_execute_answering_408_is_resent_with_the_same_command_id(
    devbox: AsyncDevbox, fake: FakeRunloop
) -> None:
    fake.execute_408 = True
    fake.commands["slow"] = Command(stdout="late\n", polls=2)
    result = await devbox.cmd.exec("slow")
    assert await result.stdout() == "late\n"
    sent = [r for r in fake.requests if r.url.path.endswith("/execute")]
    assert len(sent) == 2 and len(fake.executions) == 1  # one command, started once
    bodies = [json.loads(r.read()) for r in sent]
    assert bodies[0]["command_id"] == bodies[1]["command_id"] and bodies[1]["optimistic_timeout"] == 0
    assert result.execution_id == next(iter(fake.executions))


async def test_full_output_survives_a_dropped_stream(devbox: AsyncDevbox, fake: FakeRunloop) -> None:
    fake.chunk_size = 500
    result = await devbox.cmd.exec("seq 3000")
    fake.drop_streams = 1
    assert (await result.stdout()).splitlines() == [str(i) for i in range(1, 3001)]
