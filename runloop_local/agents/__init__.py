"""Agents: packages (a storage object, a git repository, pip or npm) that agent mounts install into devboxes."""
