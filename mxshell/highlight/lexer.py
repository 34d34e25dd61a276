"""A pygments lexer for mxshell command files (`.mxsh`) and the lines typed at the prompt,
and the `mxshell` style: the ANSI colours the shell has always used, so they follow the
terminal's own theme.

The words follow mxshell.commands.lexer (POSIX quoting, `;`, `#` at the start of a word,
`${NAME}`, `$1`), the statements docs/scripting.md; the lexer imports nothing of ours so
that pygmentize and editors load it alone. Every character matches some rule: a line
being typed, or a broken file, is highlighted as far as it goes, never an error token.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pygments.lexer import RegexLexer, bygroups, default, include
from pygments.style import Style
from pygments.token import (
    Comment,
    Generic,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Token,
    Whitespace,
)

# A word ends at a blank, `;` or the end of the line.
_END = r"(?=[\s;]|$)"
_NAME = r"[A-Za-z_]\w*"
# `${NAME}`, `${NAME.field}`, `${ENV:VAR}`, `${1:-default}`, `$1`.
_VARIABLE = r"\$\{[^}\n]*\}|\$\d+"
# Tank1.Level, Pump*.Speed.SP, .Level (relative to the current object), Attr[2].Quality.
_REFERENCE = (
    r"(?:[\w\-\[\]*?]*\.)+[\w\-\[\]*?]+|\.[\w\-\[\]*?]+(?:\.[\w\-\[\]*?]+)*|\w[\w\-]*\[\d*\]"
)


class MxshLexer(RegexLexer):
    """mxshell command files: statements, commands, options, variables, tags, checks."""

    name = "mxsh"
    aliases: ClassVar[list[str]] = ["mxsh", "mxshell"]
    filenames: ClassVar[list[str]] = ["*.mxsh"]
    mimetypes: ClassVar[list[str]] = ["text/x-mxsh"]
    url = "https://github.com/mxshell/mxshell"

    tokens: ClassVar[dict[str, Any]] = {
        # Where a command starts: a statement keyword or a command name.
        "root": [
            (r"\s+", Whitespace),
            (r"#.*", Comment.Single),
            (r";", Punctuation),
            (r"\\\n", String.Escape),
            (
                rf"(for)(\s+)({_NAME})(\s+)(in){_END}",
                bygroups(Keyword, Whitespace, Name.Variable, Whitespace, Keyword),
                "arguments",
            ),
            (
                rf"(let)(\s+)({_NAME})(\s*)(=)",
                bygroups(Keyword, Whitespace, Name.Variable, Whitespace, Operator),
            ),
            (
                rf"(set|unset)(\s+)({_NAME}){_END}",
                bygroups(Keyword, Whitespace, Name.Variable),
                "arguments",
            ),
            (rf"(?:defer){_END}", Keyword),  # a command follows: still a command's start
            (rf"(?:if|elif|set|exit|on-error){_END}", Keyword, "arguments"),
            (rf"(?:else|end){_END}", Keyword),
            (rf"(?:include|source){_END}", Keyword.Namespace, "arguments"),
            (r"[A-Za-z_][\w\-]*" + _END, Name.Function, "arguments"),
            default("arguments"),
        ],
        # A command's words, up to `;` or the end of the line.
        "arguments": [
            (r"\n", Whitespace, "#pop"),
            (r";", Punctuation, "#pop"),
            (r"[^\S\n]+", Whitespace),
            (r"#.*", Comment.Single),
            (r"\\\n", String.Escape),  # the command goes on on the next line
            include("word"),
        ],
        "word": [
            (r"(--?[A-Za-z][\w\-]*)(=)", bygroups(Name.Attribute, Operator)),
            (r"--?[A-Za-z][\w\-]*" + _END, Name.Attribute),
            (r'"', String.Double, "double-quoted"),
            (r"'[^']*'?", String.Single),
            (r"\\.", String.Escape),
            (_VARIABLE, Name.Variable),
            (r"(?:==|!=|<=|>=|<|>|~)" + _END, Operator),
            (r"between" + _END, Operator.Word),
            (r"(?:true|false|on|off)" + _END, Keyword.Constant),
            (r"-?\d+\.\d*(?:[eE][+-]?\d+)?(?:%|ms|s|m|h)?" + _END, Number.Float),
            (r"-?\d+(?:%|ms|s|m|h)?" + _END, Number.Integer),
            (r"@[^\s;]+", String.Other),  # @FILE: a list of tags or writes
            (_REFERENCE, Name.Tag),
            (r"[^\s;'\"$\\]+", Text),
            (r"[$\\]", Text),  # a `$` that starts no reference, a backslash at the end
        ],
        "double-quoted": [
            (r'"', String.Double, "#pop"),
            (r'\\[\\"$]', String.Escape),
            (_VARIABLE, String.Interpol),
            (r'[^"\\$]+', String.Double),
            (r"[\\$]", String.Double),
        ],
    }


class MxshellStyle(Style):
    """The shell's own colours, in ANSI names so that the terminal's theme decides them."""

    name = "mxshell"
    styles: ClassVar[dict[Any, str]] = {
        Token: "",
        Comment: "italic #808080",
        Keyword: "bold ansimagenta",
        Keyword.Constant: "ansicyan",
        Name.Function: "bold ansiblue",
        Name.Attribute: "ansimagenta",
        Name.Tag: "ansigreen",
        Name.Variable: "ansigreen",
        String: "ansiyellow",
        String.Interpol: "ansigreen",
        String.Escape: "ansiyellow",
        Number: "ansicyan",
        Operator: "bold",
        Generic.Emph: "ansiyellow",  # Uncertain quality in what the prompt prints
        Generic.Error: "ansired",  # Bad quality and failures
    }
