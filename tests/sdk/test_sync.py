"""The generated sync SDK through the fake API: the same behaviour as the async source."""

from __future__ import annotations

import pytest

from runloop_sdk import DevboxFailedError, PollingConfig, PollingTimeoutError, RunloopSDK

from ._fake import Command, FakeRunloop


def test_create_waits_and_context_manager_shuts_down(sdk: RunloopSDK, fake: FakeRunloop) -> None:
    fake.boot_polls = 2
    with pytest.raises(OSError, match="body"), sdk.devbox.create(name="sync") as devbox:
        assert devbox.get_info().status == "running"
        raise OSError("body")
    assert fake.devboxes[devbox.id]["status"] == "shutdown"


def test_create_failure_and_timeout(sdk: RunloopSDK, fake: FakeRunloop) -> None:
    fake.boot_failure = "health_check_failed"
    with pytest.raises(DevboxFailedError, match="health_check_failed"):
        sdk.devbox.create()
    fake.boot_failure = None
    fake.boot_polls = 100
    with pytest.raises(PollingTimeoutError) as caught:
        sdk.devbox.create(polling=PollingConfig(interval=0, max_attempts=2))
    assert caught.value.last_state.status == "provisioning"


def test_exec_round_trip_long_poll_and_full_output(sdk: RunloopSDK, fake: FakeRunloop) -> None:
    fake.boot_polls = 0
    devbox = sdk.devbox.create()
    before = len(fake.requests)
    assert devbox.cmd.exec("echo hi").stdout() == "hi\n"
    assert len(fake.requests) == before + 1
    fake.commands["slow"] = Command(stdout="ok\n", polls=2)
    assert devbox.cmd.exec("slow").stdout() == "ok\n"
    assert devbox.cmd.exec("seq 1000").stdout().count("\n") == 1000


def test_callbacks_in_order_across_a_dropped_stream(sdk: RunloopSDK, fake: FakeRunloop) -> None:
    fake.boot_polls = 0
    fake.chunk_size = 333
    fake.drop_streams = 2
    devbox = sdk.devbox.create()
    out: list[str] = []
    both: list[str] = []
    result = devbox.cmd.exec("seq 10000", stdout=out.append, output=both.append)
    assert out == [str(i) for i in range(1, 10_001)] == both
    assert result.success


def test_callback_exception_surfaces(sdk: RunloopSDK, fake: FakeRunloop) -> None:
    fake.boot_polls = 0
    devbox = sdk.devbox.create()

    def broken(line: str) -> None:
        raise ValueError(f"bad line {line}")

    with pytest.raises(ValueError, match="bad line 1"):
        devbox.cmd.exec("seq 10", stdout=broken)
    execution = devbox.cmd.exec_async("err x", stderr=broken)
    with pytest.raises(ValueError, match="bad line x"):
        execution.result()


def test_kill_stdin_lines_and_5xx(sdk: RunloopSDK, fake: FakeRunloop) -> None:
    fake.boot_polls = 0
    devbox = sdk.devbox.create()
    fake.commands["cat"] = Command(polls=10_000)
    execution = devbox.cmd.exec_async("cat", attach_stdin=True)
    execution.send_stdin("x")
    fake.fail(r"POST .*/kill", 503, times=1)  # retried: a 503 was not acted upon
    execution.kill()
    assert execution.result().exit_code == 137
    lister = devbox.cmd.exec_async("seq 30")
    lines = list(lister.stdout_lines())
    assert [line.text for line in lister.stdout_lines(offset=lines[9].offset)] == [
        str(i) for i in range(11, 31)
    ]


def test_interrupted_create_shuts_the_devbox_down(sdk: RunloopSDK, fake: FakeRunloop) -> None:
    fake.boot_polls = 5
    fake.fail(r"POST /v1/devboxes/.*/wait_for_status", KeyboardInterrupt())  # Ctrl-C while waiting
    with pytest.raises(KeyboardInterrupt):
        sdk.devbox.create()
    assert fake.paths()[-1] == "POST /v1/devboxes/dbx_1/shutdown"
    assert fake.devboxes["dbx_1"]["status"] == "shutdown"
