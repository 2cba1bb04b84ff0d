"""Interop: signatures made by pycolonies_fast are accepted by the server's own Go code.

We sign many random messages with random keys using our crypto core, then let
tests/interop/main.go check every one with github.com/colonyos/colonies v1.9.12
(`pkg/security/crypto`: the RecoverID the server runs on every request, plus the
Go signer and id derivation, which must give byte-identical results). The 40
signature vectors of shared/spec/vectors.json go in too.

Needs Go (and the Go module proxy on the first run); not the dev server.
"""

from __future__ import annotations

import base64
import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from pycolonies_fast import Crypto

HERE = Path(__file__).resolve().parent
# tests/interop -> tests -> repo -> the folder holding the repo and shared/
# The spec's vectors as kept in tests (test_vectors.py checks them against ../shared).
VECTORS = HERE.parent / "crypto" / "data" / "vectors.json"

N_RANDOM = 1000
MAX_LEN = 2000
GO_TIMEOUT_S = 900  # the first run downloads modules and compiles

# Code point ranges to draw characters from: ASCII, controls and NUL, Latin-1,
# Greek, Arabic, CJK, any BMP character below the surrogates, and 4-byte emoji.
CHAR_RANGES = [
    (0x20, 0x7E),
    (0x00, 0x1F),
    (0xA0, 0xFF),
    (0x370, 0x3FF),
    (0x600, 0x6FF),
    (0x4E00, 0x9FFF),
    (0x00, 0xD7FF),
    (0x1F300, 0x1FAFF),
]


def go_binary() -> str:
    go = shutil.which("go") or "/usr/local/go/bin/go"
    if not os.access(go, os.X_OK):
        pytest.fail("Go is needed for the interop test: install it or put `go` in PATH", pytrace=False)
    return go


def random_text(rng: random.Random) -> str:
    """A random string of 0..MAX_LEN characters, mixing a few character ranges."""
    ranges = rng.sample(CHAR_RANGES, rng.randint(1, 3))
    chars = []
    for _ in range(rng.randint(0, MAX_LEN)):
        lo, hi = rng.choice(ranges)
        chars.append(chr(rng.randint(lo, hi)))
    return "".join(chars)


def random_payload(rng: random.Random) -> str:
    """A realistic RPC payload: base64 of a JSON message, as the client signs it."""
    msg = {
        "msgtype": rng.choice(["submitfuncspecmsg", "assignprocessmsg", "closesuccessfulmsg"]),
        "colonyname": "dev",
        "timeout": rng.randint(-1, 100),
        "out": [random_text(rng)[:50]],
    }
    return base64.b64encode(json.dumps(msg).encode()).decode()


def random_message(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.15:
        return random_payload(rng)
    if kind < 0.20:
        return "\x00" * rng.randint(1, 3) + random_text(rng)  # leading NUL(s)
    return random_text(rng)


def our_records(seed: int) -> list[dict[str, str]]:
    """Messages signed with fresh random keys by our core."""
    rng = random.Random(seed)
    c = Crypto()
    records: list[dict[str, str]] = []
    for _ in range(N_RANDOM):
        key = c.prvkey()
        msg = random_message(rng)
        records.append({"message": msg, "signature": c.sign(msg, key), "id": c.id(key), "prvkey": key})
    return records


def vector_records() -> list[dict[str, str]]:
    """The spec's signature vectors as given, and the same messages signed by our core."""
    assert VECTORS.is_file(), f"spec vectors not found at {VECTORS}"
    vectors = json.loads(VECTORS.read_text(encoding="utf-8"))["signatures"]
    assert len(vectors) == 40
    c = Crypto()
    records = []
    for v in vectors:
        fields = {"message": v["message"], "id": v["id"], "prvkey": v["prvkey"]}
        records.append({**fields, "signature": v["signature"]})
        records.append({**fields, "signature": c.sign(v["message"], v["prvkey"])})
    return records


@pytest.fixture(scope="module")
def interop_checker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build main.go once into a temporary folder."""
    exe = tmp_path_factory.mktemp("interop") / "interop"
    build = subprocess.run(
        [go_binary(), "build", "-buildvcs=false", "-o", str(exe), "."],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=GO_TIMEOUT_S,
    )
    assert build.returncode == 0, f"go build failed:\n{build.stderr}"
    return exe


def run_checker(exe: Path, records: list[dict[str, str]]) -> subprocess.CompletedProcess[str]:
    lines = "".join(json.dumps(r) + "\n" for r in records)
    return subprocess.run([str(exe)], input=lines, capture_output=True, text=True, timeout=300)


def test_go_accepts_our_signatures(interop_checker: Path) -> None:
    seed = random.randrange(2**32)
    records = our_records(seed) + vector_records()
    done = run_checker(interop_checker, records)
    summary = f"checked {len(records)} signatures, 0 mismatches"
    assert done.returncode == 0 and done.stdout.strip() == summary, (
        f"seed {seed}: Go says {done.stdout.strip()!r} (exit {done.returncode})\n{done.stderr}"
    )


def test_go_checker_catches_a_wrong_id(interop_checker: Path) -> None:
    """The checker must not pass everything: a wrong id and an empty input both fail."""
    c = Crypto()
    key, other = c.prvkey(), c.prvkey()
    bad = {"message": "hello", "signature": c.sign("hello", key), "id": c.id(other)}
    done = run_checker(interop_checker, [bad])
    assert done.returncode != 0
    assert done.stdout.strip() == "checked 1 signatures, 1 mismatches"
    assert run_checker(interop_checker, []).returncode != 0


def test_go_and_we_agree_on_every_recovery_id_byte(interop_checker: Path) -> None:
    """A signature with each of the 256 last bytes: what we accept, Go accepts (same id); what we refuse, Go refuses."""
    c = Crypto()
    key = c.prvkey()
    signature = c.sign("hello", key)
    accepted, refused = [], []
    for byte in range(256):
        variant = signature[:128] + f"{byte:02x}"
        try:
            accepted.append({"message": "hello", "signature": variant, "id": c.recover_id("hello", variant)})
        except ValueError:
            refused.append({"message": "hello", "signature": variant, "id": c.id(key)})
    assert len(accepted) == 4  # 0/1 (one of them the signer) and the same two again as 4/5
    assert run_checker(interop_checker, accepted).stdout.strip() == "checked 4 signatures, 0 mismatches"
    done = run_checker(interop_checker, refused)
    assert done.stdout.strip() == f"checked {len(refused)} signatures, {len(refused)} mismatches"
