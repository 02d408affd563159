#!/usr/bin/env bash
# Installs everything (system packages where this machine allows, then the Python ones) and
# runs all checks and tests. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the engine uses: bubblewrap (sandboxes) and mmdebstrap (FROM debian:<suite>);
# node and npm run the official TypeScript client against it (tests/local/test_typescript_client.py);
# openssh-client (ssh, scp) and openssh-sftp-server (what scp and sftp reach in a devbox) for SSH.
# pasta (passt) and nft (nftables) connect and filter devboxes with a CIDR network policy.
missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v ssh >/dev/null 2>&1 || missing+=(openssh-client)
[ -x /usr/lib/openssh/sftp-server ] || [ -x /usr/libexec/openssh/sftp-server ] || missing+=(openssh-sftp-server)
command -v pasta >/dev/null 2>&1 || missing+=(passt)
command -v nft >/dev/null 2>&1 || missing+=(nftables)
# Computers' desktops (devboxes see the host's /usr): display, input, VNC, screenshots, noVNC's
# page, a window manager and a terminal (tests/local/test_computers.py); without recommends.
desktop=()
command -v Xvfb >/dev/null 2>&1 || desktop+=(xvfb)
command -v xdotool >/dev/null 2>&1 || desktop+=(xdotool)
command -v x11vnc >/dev/null 2>&1 || desktop+=(x11vnc)
command -v import >/dev/null 2>&1 || desktop+=(imagemagick)
[ -f /usr/share/novnc/vnc.html ] || desktop+=(novnc)
command -v openbox >/dev/null 2>&1 || desktop+=(openbox)
command -v xterm >/dev/null 2>&1 || desktop+=(xterm)
if [ $((${#missing[@]} + ${#desktop[@]})) -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing ${missing[*]} ${desktop[*]} (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || true
    if [ ${#missing[@]} -gt 0 ] && ! apt-get install -y -qq "${missing[@]}" >/dev/null; then
      echo "!! apt could not install ${missing[*]}; the tests that need them will be skipped"
    fi
    if [ ${#desktop[@]} -gt 0 ] && ! apt-get install -y -qq --no-install-recommends "${desktop[@]}" >/dev/null; then
      echo "!! apt could not install ${desktop[*]}; the computer tests will be skipped"
    fi
  else
    echo "!! ${missing[*]} ${desktop[*]} not installed and cannot be installed here (not root with apt)."
    echo "!! The tests that need them will be skipped; install with: sudo apt-get install ${missing[*]} ${desktop[*]}"
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
echo "== installing the project and its dev tools"
if ! .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]' >.venv/pip.log 2>&1; then
  cat .venv/pip.log
  exit 1
fi
.venv/bin/python -c "import runloop_api, runloop_sdk, runloop_local" 

PYTHON=.venv/bin/python bash scripts/check.sh
echo "== pytest"
.venv/bin/python -m pytest -q "$@"
