"""Every public callable has upstream's exact signature (api-contract.md §b, §d).

The expected signatures are data transcribed from the contract tables: tests/support/signatures.py.
"""

from __future__ import annotations

import pytest

from pycolonies_fast.client import Colonies
from tests.support.signatures import FUNCTIONS, METHODS, REQUIRED, params


def test_the_contract_lists_77_methods():
    assert len(METHODS) == 77


def test_public_methods_include_all_77():
    public = {name for name in dir(Colonies) if not name.startswith("_") and callable(getattr(Colonies, name))}
    assert set(METHODS) <= public


@pytest.mark.parametrize("name", sorted(METHODS))
def test_method_signature(name):
    assert params(getattr(Colonies, name), skip_self=True) == METHODS[name]


@pytest.mark.parametrize("fn", list(FUNCTIONS), ids=lambda fn: fn.__name__)
def test_function_signature(fn):
    assert params(fn, skip_self=False) == FUNCTIONS[fn]


def test_constructor_signature():
    assert params(Colonies.__init__, skip_self=True) == [
        ("host", REQUIRED), ("port", REQUIRED), ("tls", False), ("native_crypto", False)
    ]


def test_private_rpc_helper_signature():
    assert params(Colonies._Colonies__rpc, skip_self=True) == [("msg", REQUIRED), ("prvkey", REQUIRED)]
