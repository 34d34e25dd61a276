"""mxshell's built-in command families, installed as the mxshell_plugins package.

Each module is a pluggy plugin registered through the `mxshell` entry-point group,
exactly as a third-party plugin is.
"""
