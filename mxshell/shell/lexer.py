"""A pygments lexer for mxshell's command language, used to highlight the input line."""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
)


class MxShellLexer(RegexLexer):
    """Commands, --options, strings, numbers, tag references, variables and comments."""

    name = "mxshell"
    aliases = ["mxshell", "mxsh"]
    filenames = ["*.mxsh"]

    tokens = {
        "root": [
            (r"\s+", Whitespace),
            (r"#.*$", Comment.Single),
            (r";", Punctuation),
            (r"[A-Za-z_][\w\-]*", Keyword, "arguments"),
            (r"\S+", Text, "arguments"),
        ],
        "arguments": [
            (r";", Punctuation, "#pop"),
            (r"#.*$", Comment.Single, "#pop"),
            (r"[ \t]+", Whitespace),
            (r"\n", Whitespace, "#pop"),
            (r"(--?[A-Za-z][\w\-]*)(=?)", bygroups(Name.Attribute, Operator)),
            (r'"(\\\\|\\"|[^"])*"?', String.Double),
            (r"'[^']*'?", String.Single),
            (r"\$\{[^}]*\}|\$\w+", Name.Variable.Global),
            (r"(==|!=|<=|>=|<|>)(?=\s|$)", Operator),
            (r"-?\d+\.\d*(e[+-]?\d+)?(?=[\s;]|$)|-?\d+(?=[\s;]|$)", Number),
            (r"(?:[\w\-\[\]*?]*\.)+[\w\-\[\]*?]+|\.[\w\-\[\]]+(?:\.[\w\-\[\]]+)*", Name.Variable),
            (r"@\S+", String.Other),
            (r"[^\s;#\"']+", Text),
        ],
    }
