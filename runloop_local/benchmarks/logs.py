"""A benchmark run's logs zip: its own summary and each scenario run's logs zip, unpacked in a folder."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from typing import Any

__all__ = ["bundle_logs"]


def bundle_logs(summary: Mapping[str, Any], runs: Mapping[str, bytes | str]) -> bytes:
    """The zip ``downloadBenchmarkRunLogs`` answers.

    Args:
        summary: ``benchmark_run.json`` (the run's view and its scenario runs).
        runs: Folder name -> that scenario run's logs zip, or the text of why there is none
            (written to ``<folder>/error.txt``).

    Returns:
        The zip's bytes: ``benchmark_run.json`` and ``<folder>/<entry>`` for every entry of every
        scenario run's zip. A scenario run's zip that cannot be read becomes an ``error.txt``.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("benchmark_run.json", json.dumps(summary, indent=2, sort_keys=True))
        for folder, logs in runs.items():
            if isinstance(logs, str):
                bundle.writestr(f"{folder}/error.txt", logs)
                continue
            try:
                with zipfile.ZipFile(io.BytesIO(logs)) as inner:
                    for info in inner.infolist():
                        # no absolute or ".." names: whoever unpacks the bundle stays in its folder
                        name = "/".join(p for p in info.filename.split("/") if p not in ("", ".", ".."))
                        if name and not info.is_dir():
                            bundle.writestr(f"{folder}/{name}", inner.read(info))
            except zipfile.BadZipFile as exc:
                bundle.writestr(f"{folder}/error.txt", f"the scenario run's logs are not a zip: {exc}")
    return out.getvalue()
