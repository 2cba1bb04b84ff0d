"""colonies_client(): a COLONIES_SERVER_TLS / COLONIES_TLS value other than "true" or "false" means no
TLS, as upstream compares (case-sensitive), and says so with a UserWarning naming the variable and
its value. Offline: the client is only constructed, never connected."""

from __future__ import annotations

import warnings

import pytest

from pycolonies_fast.client import colonies_client

TLS_VARIABLES = ("COLONIES_SERVER_TLS", "COLONIES_TLS")


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("COLONIES_SERVER_HOST", "localhost")
    monkeypatch.setenv("COLONIES_SERVER_PORT", "50080")
    for name in TLS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def make_client():
    client = colonies_client()[0]
    client.close_connections()
    return client


@pytest.mark.parametrize("variable", TLS_VARIABLES)
@pytest.mark.parametrize("value", ["True", "TRUE", "1", "yes", "on", "False", "0", "", " true"])
def test_other_values_warn_and_mean_false(env, variable, value):
    env.setenv(variable, value)
    with pytest.warns(UserWarning) as caught:
        client = make_client()
    assert client.tls is False and client.url.startswith("http://")
    assert len(caught) == 1
    message = str(caught[0].message)
    assert f"{variable}={value!r}" in message
    assert "treated as false" in message
    assert caught[0].filename == __file__  # stacklevel: the warning points at the caller


@pytest.mark.parametrize("variable", TLS_VARIABLES)
@pytest.mark.parametrize(("value", "tls"), [("true", True), ("false", False)])
def test_true_and_false_do_not_warn(env, variable, value, tls):
    env.setenv(variable, value)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client = make_client()
    assert client.tls is tls


def test_unset_does_not_warn(env):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client = make_client()
    assert client.tls is False


def test_only_the_variable_used_is_checked(env):
    env.setenv("COLONIES_SERVER_TLS", "true")
    env.setenv("COLONIES_TLS", "bogus")  # not read: COLONIES_SERVER_TLS is set
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client = make_client()
    assert client.tls is True


def test_the_fallback_variable_is_named(env):
    env.setenv("COLONIES_TLS", "TRUE")
    with pytest.warns(UserWarning, match=r"^COLONIES_TLS='TRUE' is neither 'true' nor 'false': treated as false"):
        assert make_client().tls is False
