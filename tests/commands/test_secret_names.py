"""Which names say secret, and what the free-text mask of bearer credentials touches."""

from __future__ import annotations

import pytest

from mxshell.output.secrets import is_secret_name, scrub


@pytest.mark.parametrize(
    "name",
    [
        "adminPassword",
        "plantApiKey",
        "accessToken",
        "pwd",
        "passphrase",
        "ADMIN_PWD",
        "--api_key",
        "api-key",
        "session_token",
        "Password",
        "MXGATEWAY_API_KEY",
    ],
)
def test_camel_case_and_common_spellings_say_secret(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name", ["--api-key-env", "apiKeyEnv", "tokens", "token_count", "pwdx", "speed"]
)
def test_names_of_variables_and_ordinary_words_are_not_secret(name: str) -> None:
    assert not is_secret_name(name)


def test_the_gateways_own_sentence_about_bearer_metadata_is_left_whole() -> None:
    message = "missing API key: send 'authorization: Bearer <key>' metadata"
    assert scrub(message) == message
    assert scrub("expected a Bearer token here") == "expected a Bearer token here"


@pytest.mark.parametrize("key", ["abc123XYZ_-.", "Zx9k12", "dG9rZW4=", "k3y/with+slash"])
def test_a_credential_after_bearer_is_masked_and_what_follows_is_kept(key: str) -> None:
    assert scrub(f"header 'authorization: Bearer {key}' refused") == (
        "header 'authorization: Bearer <redacted>' refused"
    )
    assert key not in scrub(f"Bearer '{key}'")
