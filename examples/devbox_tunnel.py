"""Tunnel: serve a web page from a devbox and fetch it from this machine.

Runs on the embedded local engine with no account; set ``RUNLOOP_API_KEY`` to run the same
script against the Runloop cloud.

    python examples/devbox_tunnel.py
"""

from __future__ import annotations

import os
import random
import time

import httpx

from runloop_sdk import RunloopSDK

# Devboxes of the local engine share this machine's network (on the cloud any port will do).
PORT = random.randint(20000, 29999)


def connect() -> RunloopSDK:
    """The cloud when ``RUNLOOP_API_KEY`` is set, else the embedded local engine."""
    return RunloopSDK() if os.environ.get("RUNLOOP_API_KEY") else RunloopSDK.local()


def main() -> None:
    with (
        connect() as sdk,
        sdk.devbox.create(name="tunnel-example", tunnel={"auth_mode": "authenticated"}) as devbox,
    ):
        devbox.file.write("site/index.html", "<h1>Hello from a devbox</h1>\n")
        server = devbox.cmd.exec_async(f"python3 -m http.server {PORT} --directory ~/site")

        tunnel = devbox.get_tunnel()
        url = devbox.get_tunnel_url(PORT)
        assert tunnel is not None and tunnel.auth_token and url is not None
        print(f"port {PORT} of the devbox is at {url}")

        headers = {"X-Runloop-Tunnel-Authorization": f"Bearer {tunnel.auth_token}"}
        for _ in range(100):  # the server takes a moment to listen
            response = httpx.get(url, headers=headers)
            if response.status_code == 200:
                break
            time.sleep(0.1)
        print(f"GET {url} -> {response.status_code}: {response.text.strip()}")
        print("without the token:", httpx.get(url).status_code)
        server.kill()


if __name__ == "__main__":
    main()
