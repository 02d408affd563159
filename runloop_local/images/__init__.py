"""Images: the read-only layers devbox roots are stacked from, and the host system as their base."""
