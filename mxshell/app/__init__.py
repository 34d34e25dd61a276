"""Assembling one mxshell: the command line, config and paths, the plugin host, the
runtime (context, dispatcher, connection) and the mode the flags chose (REPL, -c, -f,
stdin).

`launch` is the console script (it pauses the garbage collector before anything else is
imported, so this face imports nothing); `cli` parses the flags, `config` reads the config
file, `modes` runs a mode, `runtime` is one shell's working parts, `connection` connects it
to a gateway, `plugin_host` loads the command families, `entrypoints` caches their entry
points, `collector` tunes the garbage collector once start-up is over.
"""
