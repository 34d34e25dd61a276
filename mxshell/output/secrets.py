"""Secret values: the Secret type, the names that mark a value as one, free-text masking."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from mxshell.gateway.errors import REDACTED, redact

# Dict keys and option names that hold a secret even when nobody declared them so:
# a mistyped `--api_key VALUE` must not reach history or an error message either.
_SECRET_NAME = re.compile(
    r"(^|[-_])(api[-_]?key|apikey|password|passwd|pwd|passphrase|pass[-_]?phrase|secret"
    r"|token|credentials?|authorization)$"
)
# adminPassword, plantApiKey, accessToken: camelCase words are split before matching.
_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


class Secret:
    """A value that prints as <redacted> everywhere; `.reveal()` gives it back."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return REDACTED

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@lru_cache(maxsize=4096)  # pure; the shell asks about the same few names every line
def is_secret_name(name: str) -> bool:
    """True for names such as api_key, --password, session_token; False for --api-key-env."""
    words = _CAMEL_HUMP.sub("_", name.lstrip("-")).lower()
    return bool(_SECRET_NAME.search(words))


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """text with each secret value, and any bearer credential, replaced by <redacted>."""
    return redact(text, secrets)
