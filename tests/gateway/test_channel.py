"""ChannelOptions: validation, TLS by default, and a key that never shows."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from mxshell.gateway.channel import DEFAULT_CHANNEL_ARGS, ChannelOptions, resolve_options

KEY = "k-0123456789abcdef-secret"


def test_tls_is_the_default() -> None:
    options = ChannelOptions("gateway.plant.local:5001")
    assert options.tls and not options.plaintext


@pytest.mark.parametrize("endpoint", ["localhost:5000", "10.0.0.7:443", "[::1]:50051", "gw_1.x:1"])
def test_host_port_endpoints_are_accepted(endpoint: str) -> None:
    assert ChannelOptions(endpoint).endpoint == endpoint


@pytest.mark.parametrize(
    "endpoint",
    [
        "localhost",
        "localhost:",
        ":5000",
        "http://localhost:5000",
        "host:0",
        "host:70000",
        "host:port",
        "a b:1",
    ],
)
def test_endpoints_that_are_not_host_port_are_refused(endpoint: str) -> None:
    with pytest.raises(ValueError, match="endpoint"):
        ChannelOptions(endpoint)


def test_tls_settings_with_plaintext_are_refused() -> None:
    with pytest.raises(ValueError, match="apply to TLS"):
        ChannelOptions("h:1", plaintext=True, ca_file="/tmp/ca.pem")
    with pytest.raises(ValueError, match="apply to TLS"):
        ChannelOptions("h:1", plaintext=True, server_name_override="gw")


@pytest.mark.parametrize("bad_key", ["", "has space-" + KEY, KEY + "\n", "ключ" + KEY])
def test_malformed_keys_are_refused_without_quoting_them(bad_key: str) -> None:
    with pytest.raises(ValueError) as caught:
        ChannelOptions("h:1", api_key=bad_key)
    if bad_key:
        assert KEY not in str(caught.value)


def test_the_key_never_appears_in_repr_or_str() -> None:
    options = ChannelOptions("h:1", api_key=KEY)
    for text in (repr(options), str(options), f"{options}", f"{options!r}"):
        assert KEY not in text
        assert "api_key=<set>" in text
    assert "api_key=None" in repr(ChannelOptions("h:1"))


def test_the_key_travels_as_bearer_metadata() -> None:
    assert ChannelOptions("h:1", api_key=KEY).call_metadata() == (
        ("authorization", f"Bearer {KEY}"),
    )
    assert ChannelOptions("h:1").call_metadata() == ()


def test_channel_args_are_large_enough_for_big_bulk_replies() -> None:
    args = dict(ChannelOptions("h:1").channel_args())
    assert args["grpc.max_receive_message_length"] >= 256 * 1024 * 1024
    assert dict(DEFAULT_CHANNEL_ARGS)["grpc.keepalive_time_ms"] >= 300_000
    override = dict(ChannelOptions("h:1", server_name_override="gw.test").channel_args())
    assert override["grpc.ssl_target_name_override"] == "gw.test"


def test_options_are_frozen() -> None:
    options = ChannelOptions("h:1")
    with pytest.raises(FrozenInstanceError):
        options.endpoint = "h:2"  # type: ignore[misc]


def test_connect_arguments_resolve_to_options_one_way_only() -> None:
    options = ChannelOptions("h:1", api_key=KEY, plaintext=True)
    assert (
        resolve_options(
            options, None, plaintext=False, ca_file=None, server_name_override=None, options=None
        )
        is options
    )
    assert (
        resolve_options(
            None, None, plaintext=False, ca_file=None, server_name_override=None, options=options
        )
        is options
    )
    built = resolve_options(
        "h:2", KEY, plaintext=True, ca_file=None, server_name_override=None, options=None
    )
    assert built == ChannelOptions("h:2", api_key=KEY, plaintext=True)
    with pytest.raises(TypeError, match="no other connection arguments"):
        resolve_options(
            "h:2", None, plaintext=False, ca_file=None, server_name_override=None, options=options
        )
    with pytest.raises(TypeError, match="needs an endpoint"):
        resolve_options(
            None, None, plaintext=False, ca_file=None, server_name_override=None, options=None
        )
