"""The sans-IO core: everything both clients share that needs no socket.

``steps`` (the one step vocabulary and its two drivers), ``codec`` (the signed envelope and the
reply decoder), ``crypto`` (keys, ids and signatures on the compiled core ``_crypto``, which takes
libsecp256k1 from coincurve through ``_secp256k1``), ``states`` (``ProcessState``), ``failover``
(which server gets a request, and whether it may be repeated), ``connection`` (defaults,
proxies, CA bundles), ``http`` (HTTP/1.1 reply framing) and ``pubsub`` (the websocket protocol).
No module here imports an HTTP, websocket or S3 library (checked by import-linter).
"""

# The package version, written once: the root package and pyproject.toml take it from here, the
# build compiles it into the core (csrc/build_crypto.py), and core/crypto.py checks the two agree.
__version__ = "0.1.0"
