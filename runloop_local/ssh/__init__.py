"""SSH into devboxes: per-devbox keys (``create_ssh_key``) and the engine's SSH server behind them."""
