"""Shared fakes and helpers of the test suite: import them from their modules, e.g.
``from tests.support.servers import RawServer, reply``.

- ``servers``: fake servers on loopback (the scripted ``RawServer``, ``RecordingServer``, TCP
  forwarders and proxies) and the replies and socket actions they play.
- ``identities``: unique names, key holders (``Identity``), colonies and executors of their own.
- ``processes``: a process as the server sends it (``process_reply``); raw submit/get past the models.
- ``executors``: runner helpers (``new_executor``, ``submit``) and a python-convention ``PythonExecutor``.
- ``tasks``: the functions the executor tests run (importable by subprocesses as ``tests.support.tasks``).
- ``signatures``: upstream's method signatures, as the contract lists them.
- ``timing``: ``eventually`` (poll until true) and ``elapsed`` (time a call).
- ``fault``: the dev server's fault instance, which the reliability tests break.
- ``paths``: the repository and the spec's vectors.

The fixtures built on them are in tests/conftest.py (and a folder's own conftest.py). Nothing here
imports a test module; tests/crypto uses none of it (it runs alone against installed wheels).
"""
