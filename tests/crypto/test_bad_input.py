"""Bad keys, signatures and ids are rejected with a clear ValueError that never echoes the input."""

from __future__ import annotations

import threading

import pytest

from pycolonies_fast import Crypto
from pycolonies_fast.core import crypto
from pycolonies_fast.core.crypto import CURVE_ORDER, sign_bytes

from . import reference

KEY = "ddf7f7791208083b6a9ed975a72684f6406a269cfa36f1b1c32045c0a71fff05"
ID = "3fc05cf3df4b494e95d6a3d297a34f19938f7daa7422ab0d4f794454133341ac"
SIGNATURE = Crypto().sign("message", KEY)

BAD_KEYS = {
    "empty": ("", "64 hex characters"),
    "short": (KEY[:-2], "64 hex characters"),
    "long": (KEY + "00", "64 hex characters"),
    "non-hex": (KEY[:-1] + "g", "only hex characters"),
    "space": (" " + KEY[1:], "64 hex characters"),  # whitespace is skipped (as bytes.fromhex): 63 digits
    "non-ascii": ("é" * 32, "only hex characters"),
    "non-ascii long": ("é" * 64, "64 hex characters"),
    "zero": ("0" * 64, "out of range"),
    "n": (f"{CURVE_ORDER:064x}", "out of range"),
    "above n": ("f" * 64, "out of range"),
}


def assert_secret_not_leaked(error: BaseException, secret: str) -> None:
    for text in (str(error), repr(error), *map(str, error.args)):
        assert secret not in text
        if len(secret) >= 16:
            assert secret[8:24] not in text


@pytest.mark.parametrize("name", BAD_KEYS)
@pytest.mark.parametrize("operation", ["sign", "id"])
def test_bad_private_keys_raise_value_error(name, operation):
    key, expected = BAD_KEYS[name]
    call = (lambda: Crypto().sign("hello", key)) if operation == "sign" else (lambda: Crypto().id(key))
    with pytest.raises(ValueError, match=expected) as info:
        call()
    if key:
        assert_secret_not_leaked(info.value, key)


def test_key_just_below_n_is_accepted():
    key = f"{CURVE_ORDER - 1:064x}"
    assert Crypto().id(key) == reference.key_id(key)


def test_upper_case_keys_give_the_same_results():
    assert Crypto().id(KEY.upper()) == ID
    assert Crypto().sign("x", KEY.upper()) == Crypto().sign("x", KEY)


@pytest.mark.parametrize("key", [None, 42, b"\x00" * 32])
def test_non_string_keys_raise_type_error(key):
    with pytest.raises(TypeError, match="private key must be a str"):
        Crypto().sign("hello", key)
    with pytest.raises(TypeError, match="private key must be a str"):
        Crypto().id(key)


def test_message_must_be_text_or_bytes():
    with pytest.raises(TypeError, match="message must be str or bytes"):
        Crypto().sign(123, KEY)
    assert Crypto().sign(b"abc", KEY) == Crypto().sign("abc", KEY)


@pytest.mark.parametrize(
    ("signature", "expected"),
    [
        (SIGNATURE[:-2], "130 hex characters"),
        (SIGNATURE + "00", "130 hex characters"),
        ("z" + SIGNATURE[1:], "only hex characters"),
        (SIGNATURE[:-2] + "08", "recovery id"),
        (SIGNATURE[:-2] + "1b", "recovery id"),
        ("00" * 32 + SIGNATURE[64:], "invalid"),
        (SIGNATURE[:64] + "00" * 32 + SIGNATURE[128:], "invalid"),
        (f"{CURVE_ORDER:064x}" + SIGNATURE[64:], "invalid"),
    ],
)
def test_malformed_signatures_raise_value_error(signature, expected):
    with pytest.raises(ValueError, match=expected):
        Crypto().recover_id("message", signature)
    if expected == "invalid":  # well formed, just not valid: verify says no, as for any forgery
        assert Crypto().verify("message", signature, ID) is False
    else:
        with pytest.raises(ValueError, match=expected):
            Crypto().verify("message", signature, ID)


def off_curve_r() -> int:
    """The smallest r whose x coordinate has no point on secp256k1 (y^2 = x^3 + 7 has no root)."""
    p = 2**256 - 2**32 - 977
    x = 1
    while pow(x**3 + 7, (p - 1) // 2, p) == 1:
        x += 1
    return x


def test_verify_says_no_to_every_well_formed_forgery():
    forged_r = f"{off_curve_r():064x}" + SIGNATURE[64:]
    with pytest.raises(ValueError, match="invalid"):
        Crypto().recover_id("message", forged_r)
    assert Crypto().verify("message", forged_r, ID) is False


def high_s_twin(signature: str) -> str:
    """The same signature with s replaced by n - s and the recovery id flipped: valid maths, rejected by the server."""
    s = int(signature[64:128], 16)
    recid = int(signature[128:], 16)
    return signature[:64] + f"{CURVE_ORDER - s:064x}" + f"{recid ^ 1:02x}"


def test_high_s_signatures_are_rejected_as_the_server_does():
    twin = high_s_twin(SIGNATURE)
    with pytest.raises(ValueError, match="high s"):
        Crypto().recover_id("message", twin)
    assert Crypto().verify("message", twin, ID) is False


def test_verify_tells_wrong_message_and_wrong_signer():
    other = Crypto().prvkey()
    assert Crypto().verify("message", SIGNATURE, ID) is True
    assert Crypto().verify("massage", SIGNATURE, ID) is False
    assert Crypto().verify("message", Crypto().sign("message", other), ID) is False


@pytest.mark.parametrize(("ident", "expected"), [(ID[:-1], "64 hex characters"), (ID[:-1] + "x", "only hex")])
def test_malformed_ids_raise_value_error(ident, expected):
    with pytest.raises(ValueError, match=expected):
        Crypto().verify("message", SIGNATURE, ident)


def test_prvkey_is_random_in_range_and_usable():
    keys = {Crypto().prvkey() for _ in range(200)}
    assert len(keys) == 200
    for key in keys:
        assert len(key) == 64 and key == key.lower()
        assert 0 < int(key, 16) < CURVE_ORDER
    key = keys.pop()
    assert Crypto().id(key) == reference.key_id(key)


def test_prvkey_draws_again_outside_the_range(monkeypatch):
    draws = iter([b"\x00" * 32, CURVE_ORDER.to_bytes(32, "big"), b"\xff" * 32, b"\x00" * 31 + b"\x07"])
    monkeypatch.setattr(crypto.secrets, "token_bytes", lambda n: next(draws))
    assert Crypto().prvkey() == "00" * 31 + "07"


def test_signing_from_many_threads_gives_the_right_signatures():
    keys = [Crypto().prvkey() for _ in range(8)]
    expected = {key: [Crypto().sign(f"m{i}", key) for i in range(200)] for key in keys}
    results: dict[str, list[str]] = {}

    def work(key: str) -> None:
        results[key] = [Crypto().sign(f"m{i}", key) for i in range(200)]

    threads = [threading.Thread(target=work, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == expected


@pytest.mark.parametrize("message", [b"abc", bytearray(b"abc"), memoryview(b"abc"), "abc"])
def test_sign_bytes_takes_any_buffer_or_text(message):
    assert sign_bytes(message, KEY).decode() == Crypto().sign("abc", KEY)


@pytest.mark.parametrize("message", [None, 123, ["a"]])
def test_sign_bytes_refuses_other_messages_clearly(message):
    with pytest.raises(TypeError, match="message must be str or bytes"):
        sign_bytes(message, KEY)


def test_crypto_id_takes_upstreams_keyword():
    assert Crypto().id(id=KEY) == Crypto().id(KEY) == ID


@pytest.mark.parametrize("padded", [KEY + "\n", "  " + KEY + "\r\n", KEY[:32] + " " + KEY[32:], "\t" + KEY.upper()])
def test_keys_with_ascii_whitespace_work_as_upstreams_bytes_fromhex_read_them(padded):
    assert Crypto().id(padded) == ID
    assert Crypto().sign("message", padded) == Crypto().sign("message", KEY)
    assert sign_bytes(b"message", padded) == sign_bytes(b"message", KEY)


@pytest.mark.parametrize("padded", [KEY + "\u00a0", KEY + "\n0"])
def test_other_padding_is_still_refused(padded):
    with pytest.raises(ValueError, match="private key must"):
        Crypto().id(padded)


class LyingBytes(bytes):
    """A bytes subclass whose len() claims far more than it holds (the core trusts the length)."""

    def __len__(self) -> int:
        return 1 << 36


class LyingStr(str):
    """A str subclass whose encode() returns such bytes."""

    def encode(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return LyingBytes(str.encode(self, *args, **kwargs))


def test_subclasses_cannot_make_the_core_read_past_their_bytes():
    key = Crypto().prvkey()
    expected = crypto.sign("hello", key)
    assert crypto.sign_bytes(LyingBytes(b"hello"), key).decode() == expected
    assert crypto.sign(LyingBytes(b"hello"), key) == expected
    assert crypto.sign(LyingStr("hello"), LyingStr(key)) == expected
    assert crypto.sign_bytes(b"hello", LyingStr(key)).decode() == expected
    assert crypto.id_of(LyingStr(key)) == crypto.id_of(key)
    assert crypto.sha3_256_hex(LyingBytes(b"hello")) == crypto.sha3_256_hex(b"hello")
