"""mxshell: an interactive, plugin-based command shell for MXAccess gateways."""

from __future__ import annotations

__version__ = "0.1.0"
