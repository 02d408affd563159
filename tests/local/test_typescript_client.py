"""The official TypeScript client, with its default options (HTTP/2 on Node), works against the engine.

``typescript/workflow.mjs`` runs create, exec, execAsync + kill, a 2,000-line stdout callback,
file write/read, snapshot and fork, storage object upload/download and list pagination. It needs
node and npm (``scripts/test.sh`` installs them with apt where it can) and the npm registry
for ``@runloop/api-client``, installed once into ``.venv/typescript-client``; where either is
missing the test skips and says which.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from runloop_local import LocalEngine

HERE = Path(__file__).parent / "typescript"
INSTALL_DIR = Path(__file__).resolve().parents[2] / ".venv" / "typescript-client"


def _installed_client() -> Path:
    """The folder holding ``node_modules/@runloop/api-client`` (installed by npm once), or a skip."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            pytest.skip(
                f"{tool} is not installed: the TypeScript client test needs node and npm "
                "(scripts/test.sh installs them with apt where it runs as root)"
            )
    INSTALL_DIR.mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE / "package.json", INSTALL_DIR / "package.json")
    shutil.copy(HERE / "workflow.mjs", INSTALL_DIR / "workflow.mjs")
    if not (INSTALL_DIR / "node_modules" / "@runloop" / "api-client" / "package.json").is_file():
        try:
            done = subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=INSTALL_DIR,
                capture_output=True,
                text=True,
                timeout=180,
            )
        except subprocess.TimeoutExpired:
            pytest.skip("npm install @runloop/api-client timed out: is the npm registry reachable from here?")
        if done.returncode != 0:
            pytest.skip(
                "npm could not install @runloop/api-client (is the npm registry reachable?): "
                + done.stderr.strip()[-400:]
            )
    return INSTALL_DIR


@pytest.mark.bwrap
def test_the_official_typescript_client_with_default_options(engine: LocalEngine) -> None:
    folder = _installed_client()
    env = {
        **os.environ,
        "RUNLOOP_BASE_URL": engine.base_url,
        "RUNLOOP_API_KEY": engine.token,
        "NODE_DEBUG": "http2",  # Node says when it opens an HTTP/2 session: proof of the protocol
    }
    done = subprocess.run(
        ["node", "workflow.mjs"], cwd=folder, env=env, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, f"stdout:\n{done.stdout}\nstderr:\n{done.stderr[-4000:]}"
    assert "WORKFLOW OK" in done.stdout
    assert done.stdout.count("step ok:") == 8
    assert "Http2Session client" in done.stderr, "the client did not speak HTTP/2"
