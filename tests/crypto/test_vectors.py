"""Every id, signature and envelope signature of the spec's vectors, reproduced byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pycolonies_fast import Crypto
from pycolonies_fast.core.crypto import recover_id, sign_bytes, verify

from .conftest import VECTORS_PATH

SHARED_VECTORS = Path(__file__).resolve().parents[3] / "shared" / "spec" / "vectors.json"


def test_crypto_uses_the_compiled_core():
    assert Crypto().backend == "compiled"
    assert Crypto(native=True).backend == "compiled"
    assert "compiled" in repr(Crypto())


@pytest.mark.skipif(not SHARED_VECTORS.exists(), reason="../shared is only beside the repo in development and CI")
def test_vectors_file_matches_the_shared_spec():
    assert json.loads(VECTORS_PATH.read_text()) == json.loads(SHARED_VECTORS.read_text())


def test_every_id_vector(vectors):
    crypto = Crypto()
    assert len(vectors["ids"]) == 49
    for vector in vectors["ids"]:
        assert crypto.id(vector["prvkey"]) == vector["id"], vector["label"]


def test_every_signature_vector(vectors):
    crypto = Crypto()
    assert len(vectors["signatures"]) == 40
    for vector in vectors["signatures"]:
        signature = crypto.sign(vector["message"], vector["prvkey"])
        assert signature == vector["signature"], vector["label"]
        assert crypto.recover_id(vector["message"], signature) == vector["id"], vector["label"]
        assert crypto.verify(vector["message"], signature, vector["id"]), vector["label"]
        assert crypto.hash(vector["message"]) == vector["sha3_256_of_message"], vector["label"]


def test_every_envelope_signature(vectors):
    assert len(vectors["envelopes"]) == 7
    for envelope in vectors["envelopes"]:
        payload = envelope["payload"]
        assert sign_bytes(payload.encode(), envelope["signer_prvkey"]).decode() == envelope["signature"]
        assert recover_id(payload, envelope["signature"]) == envelope["signer_id"]
        request = json.loads(envelope["request_json"])
        assert verify(request["payload"], request["signature"], envelope["signer_id"])


def test_the_upstream_test_vectors():
    crypto = Crypto()
    key = "d6eb959e9aec2e6fdc44b5862b269e987b8a4d6f2baca542d8acaa97ee5e74f6"
    assert crypto.sign("hello", key) == (
        "e713a1bb015fecabb5a084b0fe6d6e7271fca6f79525a634183cfdb175fe6924"
        "1f4da161779d8e6b761200e1cf93766010a19072fa778f9643363e2cfadd640900"
    )
    assert (
        crypto.id("6d2fb6f546bacfd98c68769e61e0b44a697a30596c018a50e28200aa59b01c0a")
        == "4fef2b5a82d134d058c1883c72d6d9caf77cd59ca82d73105017590dea3dcb87"
    )
