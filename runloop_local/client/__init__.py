"""The command line's client side: finding a served engine, and the commands that look into it.

``runloop-local serve`` writes its base URL and token to ``server.json`` in its data dir
(:mod:`.server_file`); ``ls``, ``exec``, ``logs``, ``shell`` and ``shutdown``
(:mod:`.commands`, :mod:`.terminal`) read it and talk to the engine through the SDK.
"""
