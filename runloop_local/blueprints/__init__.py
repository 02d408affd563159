"""Blueprints: images built from a Dockerfile and setup commands, layer by layer, cached by chain key."""
