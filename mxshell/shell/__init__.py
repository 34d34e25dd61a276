"""The REPL: the prompt_toolkit application, completion, history, toolbar and watch view.

The only package that touches the terminal."""
