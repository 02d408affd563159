"""The fault proxy does what it says: fates drawn as asked, resets and cuts where asked."""

from __future__ import annotations

import random
from collections import Counter

import httpx
import pytest

from runloop_api import RunloopAPI
from runloop_local import LocalEngine

from .proxy import Fate, FaultProxy, choose_fate


def test_fates_follow_the_rate_and_the_seed() -> None:
    draws = [choose_fate(random.Random(7), 0.3) for _ in range(1)]
    assert draws == [choose_fate(random.Random(7), 0.3)]
    rng = random.Random(1)
    kinds = Counter(choose_fate(rng, 0.3).kind for _ in range(10_000))
    assert 2_800 < kinds["reset"] + kinds["cut"] < 3_200
    assert abs(kinds["reset"] - kinds["cut"]) < 300
    assert {choose_fate(rng, 0.0).kind for _ in range(1000)} == {"pass"}
    faults = [choose_fate(rng, 1.0) for _ in range(1000)]
    assert {f.kind for f in faults} == {"reset", "cut"}
    cuts = [f.after for f in faults if f.kind == "cut"]
    assert min(cuts) < 100 and max(cuts) > 16_000  # small answers and long streams both get cut


@pytest.mark.parametrize("rate", [-0.1, 1.5])
def test_a_rate_outside_0_to_1_is_refused(rate: float) -> None:
    with pytest.raises(ValueError, match="fault_rate"):
        choose_fate(random.Random(), rate)


def test_a_cut_ends_the_answer_after_its_bytes_and_a_reset_breaks_the_connection(
    engine: LocalEngine,
) -> None:
    headers = {"Authorization": f"Bearer {engine.token}"}
    script = [Fate("cut", 20), Fate("reset", 0), Fate("pass")]  # a reset at once may beat the connect
    with (
        FaultProxy(engine.base_url, fault_rate=0.0, script=script) as proxy,
        httpx.Client(base_url=proxy.base_url, headers=headers) as http,
    ):
        with pytest.raises(httpx.RemoteProtocolError):
            http.get("/v1/devboxes")
        with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError, httpx.ConnectError)):
            http.get("/v1/devboxes")
        assert http.get("/v1/devboxes").status_code == 200
        assert http.get("/v1/devboxes").status_code == 200  # the same passing connection
    assert proxy.fates == {"cut": 1, "reset": 1, "pass": 1}


def test_a_create_whose_answer_was_cut_is_retried_into_the_same_devbox(engine: LocalEngine) -> None:
    # The first attempt reaches the engine, which makes the devbox; its answer is cut at the
    # first byte, and the second connection is reset before the request is through.
    script = [Fate("cut", 0), Fate("reset", 10)]
    with (
        FaultProxy(engine.base_url, fault_rate=0.0, script=script) as proxy,
        RunloopAPI(base_url=proxy.base_url, bearer_token=engine.token, max_retries=2) as api,
    ):
        made = api.devboxes.create(name="cut-create")
    assert proxy.fates["cut"] == proxy.fates["reset"] == 1
    with RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as direct:
        found = [d for d in direct.devboxes.list() if d.name == "cut-create"]
        assert [d.id for d in found] == [made.id]
        direct.devboxes.shutdown(made.id)
