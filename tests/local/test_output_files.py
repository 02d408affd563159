"""Output files: a long output leaves the page cache behind its writer, and every byte stays."""

from __future__ import annotations

import os
from pathlib import Path

from runloop_local.db.output_files import OutputFile
from runloop_local.db.page_cache import read_release, release_range

from .conftest import cached_bytes


def test_release_range_keeps_the_tail_cached_and_releases_in_steps() -> None:
    mib = 1 << 20
    assert release_range(0, 0, keep=mib) is None
    assert release_range(2 * mib - 1, 0, keep=mib) is None, "less than a step behind the tail"
    assert release_range(2 * mib, 0, keep=mib) == (0, mib)
    assert release_range(5 * mib + 7, mib, keep=mib) == (mib, 4 * mib + 7)
    assert release_range(5 * mib, 4 * mib + 7, keep=mib) is None


def test_a_long_output_file_leaves_the_page_cache_behind_its_writer(tmp_path: Path) -> None:
    """Written back and dropped, except the last ``keep_cached`` bytes; every byte reads back."""
    mib = 1 << 20
    file = OutputFile(tmp_path / "x.stdout", keep_cached=mib)
    data = os.urandom(6 * mib)
    for start in range(0, len(data), 256 * 1024):
        file.write(start, data[start : start + 256 * 1024])
        file.wait_released()  # as if the disk kept up: each write may start the next release
    assert file.released >= 4 * mib, "all but about the last two MiB handed back"
    resident = cached_bytes(file.path)
    if resident is not None:
        assert resident <= len(data) - file.released + 256 * 1024, f"{resident} bytes still cached"
    assert file.read(0, len(data)) == data
    file.close()


def test_reads_of_a_long_ended_output_drop_what_they_read_but_its_tail() -> None:
    mib = 1 << 20
    assert read_release(0, mib, 2 * mib, keep=mib) is None, "not longer than twice keep: cached"
    assert read_release(0, mib, 3 * mib, keep=mib) == (0, mib)
    assert read_release(mib, 2 * mib, 3 * mib, keep=mib) == (mib, mib), "the tail stays"
    assert read_release(2 * mib, mib, 3 * mib, keep=mib) is None
