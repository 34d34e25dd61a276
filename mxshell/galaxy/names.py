"""The words MXAccess and the Galaxy Repository use for data types, security and categories."""

from __future__ import annotations

from mxshell.contract import galaxy as gr
from mxshell.contract import types


def _camel(enum_name: str, prefix: str) -> str:
    return "".join(part.capitalize() for part in enum_name.removeprefix(prefix).split("_"))


DATA_TYPE_NAMES: dict[int, str] = {
    value: _camel(name, "MX_DATA_TYPE_") for name, value in types.MxDataType.items()
}
SECURITY_NAMES: dict[int, str] = {
    value: _camel(name, "SECURITY_CLASSIFICATION_")
    for name, value in types.SecurityClassification.items()
}
CATEGORY_NAMES: dict[int, str] = {
    value: name.removeprefix("GALAXY_OBJECT_CATEGORY_").lower().replace("_", " ")
    for name, value in gr.GalaxyObjectCategory.items()
}


def data_type_name(data_type: int, is_array: bool = False) -> str:
    """`Double`, `String[]`: the MxDataType's name, with [] for an array."""
    name = DATA_TYPE_NAMES.get(data_type, f"type {data_type}")
    return f"{name}[]" if is_array else name


def security_name(security: int) -> str:
    """`Operate`, `SecuredWrite`, ...: the security classification's name."""
    return SECURITY_NAMES.get(security, f"classification {security}")


def category_name(category: int) -> str:
    """`area`, `application object`, ...: the object category in words."""
    return CATEGORY_NAMES.get(category, f"category {category}")


def lookup_name(table: dict[int, str], text: str, what: str) -> int:
    """The enum value a user's word names, ignoring case (`double`, `securedwrite`)."""
    wanted = text.strip().lower().replace("_", "").replace(" ", "").removesuffix("[]")
    for value, name in table.items():
        if name.lower() == wanted and name != "Unspecified":
            return value
    known = ", ".join(n for n in table.values() if n != "Unspecified")
    raise ValueError(f"unknown {what} {text!r}; known: {known}")
