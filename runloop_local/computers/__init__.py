"""Computers: devboxes with a desktop (Xvfb, a window manager, x11vnc) driven by xdotool and watched through noVNC."""
