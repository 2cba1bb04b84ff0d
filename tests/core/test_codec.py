"""The codec: payloads carry exactly the message's JSON, and nothing JSON cannot hold is lost."""

from __future__ import annotations

import base64
import math

import orjson
import pytest

from pycolonies_fast.core import codec
from pycolonies_fast.core.codec import decode_envelope, encode_payload


class Weight(float):
    """A float subclass, as numpy's float64 is."""


def decoded(msg: dict) -> object:
    return orjson.loads(base64.b64decode(encode_payload(msg)))


@pytest.mark.parametrize(
    "out",
    [
        [math.nan],
        [1.0, {"x": [math.inf]}],
        [None, (2, -math.inf)],
        [Weight("nan")],
    ],
)
def test_nan_and_infinity_are_refused_not_turned_into_null(out):
    with pytest.raises(ValueError, match="NaN and infinity cannot be sent"):
        encode_payload({"msgtype": "closesuccessfulmsg", "processid": "p", "out": out})


def test_nulls_and_finite_floats_pass_unchanged():
    msg = {"msgtype": "closesuccessfulmsg", "processid": "p", "out": [None, 0.5, -1e300, {"k": None}, [1, "a"]]}
    assert decoded(msg) == msg


def test_float_subclasses_are_sent_as_floats_as_json_dumps_did():
    assert decoded({"msgtype": "x", "out": [Weight(1.5)]}) == {"msgtype": "x", "out": [1.5]}


def test_integer_keys_become_strings_as_upstream():
    assert decoded({"msgtype": "x", "map": {1: "a"}}) == {"msgtype": "x", "map": {"1": "a"}}


def test_values_json_cannot_carry_raise_type_error():
    with pytest.raises(TypeError):
        encode_payload({"msgtype": "x", "out": [b"bytes"]})


def test_integers_beyond_64_bits_are_decoded_as_exact_ints():
    payload = b'{"args":[18446744073709552000, -9223372036854775809, 7, 0.5], "id":"x,12345678901234567890123"}'
    body = b'{"payloadtype":"p","payload":"%s","error":false}' % base64.b64encode(payload)
    _, _, decoded = decode_envelope(body)
    assert decoded == {"args": [18446744073709552000, -9223372036854775809, 7, 0.5], "id": "x,12345678901234567890123"}
    assert [type(a) for a in decoded["args"]] == [int, int, int, float]


def test_integers_within_64_bits_stay_on_the_orjson_path(monkeypatch):
    """Every process carries a 19-digit prioritytime (nanoseconds): orjson reads it exactly, so the
    slower json module must not be asked."""
    def refuse(data):
        raise AssertionError("json.loads used for a payload orjson reads exactly")

    monkeypatch.setattr(codec.json, "loads", refuse)
    numbers = [1795438690522694859, 9999999999999999999, -922337203685477580, 9223372036854775807]
    payload = (b'{"prioritytime":1795438690522694859,'
               b'"args":[9999999999999999999, -922337203685477580, 9223372036854775807]}')
    body = b'{"payloadtype":"p","payload":"%s","error":false}' % base64.b64encode(payload)
    _, _, decoded = decode_envelope(body)
    assert [decoded["prioritytime"], *decoded["args"]] == numbers
    assert all(type(n) is int for n in decoded["args"])


@pytest.mark.parametrize(
    ("payload", "number"),
    [
        (b'{"a":18446744073709551616}', 2**64),
        (b'{"a": \n -9223372036854775809}', -(2**63) - 1),
        (b'[1,\t123456789012345678901234567890]', 123456789012345678901234567890),
        (b'{"a":[0,-10000000000000000000]}', -(10**19)),
    ],
)
def test_each_form_of_a_long_integer_is_read_exactly(payload, number):
    """Whatever the digits and the whitespace before them, an integer beyond 64 bits is never a float."""
    found = codec._load_payload(payload)
    values = found if isinstance(found, list) else [found["a"]] if not isinstance(found["a"], list) else found["a"]
    assert number in values
    assert all(type(v) is int for v in values)


def test_long_digit_runs_inside_strings_stay_on_the_orjson_path(monkeypatch):
    monkeypatch.setattr(codec.json, "loads", lambda data: pytest.fail("json.loads used for digits inside a string"))
    assert codec._load_payload(b'{"id":"a12345678901234567890123","n":"-12345678901234567890"}') == {
        "id": "a12345678901234567890123", "n": "-12345678901234567890"}


def test_values_nested_deeper_than_orjson_goes_are_sent_as_upstream_sent_them():
    deep: list = []
    for _ in range(300):
        deep = [deep]
    assert decoded({"msgtype": "x", "out": [{"tree": deep}]}) == {"msgtype": "x", "out": [{"tree": deep}]}
    circular: list = []
    circular.append(circular)
    with pytest.raises(ValueError, match="Circular"):
        encode_payload({"msgtype": "x", "out": circular})
    deep_nan: list = [math.nan]
    for _ in range(300):
        deep_nan = [deep_nan]
    with pytest.raises(ValueError, match="NaN and infinity"):
        encode_payload({"msgtype": "x", "out": deep_nan})
