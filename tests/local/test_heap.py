"""The serving process's heap keeps its large buffers: no page faults for buffers freed and taken again."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from runloop_local.http.heap import (
    M_MMAP_THRESHOLD,
    M_TRIM_THRESHOLD,
    MMAP_THRESHOLD,
    TRIM_THRESHOLD,
    heap_settings,
)

# Four buffers of a MiB taken, touched and freed, fifty times; prints the page faults a round.
_ROUNDS = """
import resource, sys
from runloop_local.http.heap import tune_heap
if sys.argv[1] == "tuned":
    assert tune_heap({}), "mallopt refused a setting"
def round_():
    buffers = [bytearray(1 << 20) for _ in range(4)]
    for buffer in buffers:
        buffer[::4096] = b"x" * 256
round_()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(50):
    round_()
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 50)
"""


def _faults_a_round(mode: str) -> float:
    done = subprocess.run([sys.executable, "-c", _ROUNDS, mode], capture_output=True, text=True, check=True)
    return float(done.stdout)


def test_settings_leave_out_what_the_environment_sets() -> None:
    both = [(M_TRIM_THRESHOLD, TRIM_THRESHOLD), (M_MMAP_THRESHOLD, MMAP_THRESHOLD)]
    assert heap_settings({}) == both
    assert heap_settings({"MALLOC_TRIM_THRESHOLD_": "0"}) == both[1:]
    assert heap_settings({"GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=65536"}) == both[:1]
    assert heap_settings({"MALLOC_TRIM_THRESHOLD_": "1", "MALLOC_MMAP_THRESHOLD_": "1"}) == []


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the heap settings are glibc's")
def test_a_tuned_heap_takes_freed_buffers_again_without_faults() -> None:
    plain, tuned = _faults_a_round("plain"), _faults_a_round("tuned")
    assert plain >= 256, (
        f"the untuned heap gave the buffers back ({plain} faults a round): the test sees nothing"
    )
    assert tuned < plain / 10, f"{tuned} page faults a round tuned vs {plain} untuned"
