"""``--help`` in the reader's language: every help text is a key of :mod:`gridmap.i18n`.

A command's description is ``help.<command>`` and its line in ``gridmap --help`` is
``help.<command>.short``; an option's ``help=`` (and a prose ``show_default=``) is a
key such as ``help.option.seed``. The key is looked up when the help is shown, not
when the command is built, so the language is the one :func:`gridmap.i18n.default_lang`
reads from the environment at that moment (``GRIDMAP_LANG``, else the locale; zh when
the locale says nothing), in the shell and in tests alike. click's own words (Usage,
Options, Commands, default, required, the --help and --version lines) come from the
same vocabulary. A help text that is not a key is shown as written.
"""
from __future__ import annotations

import re
import unicodedata

import click

from gridmap import i18n


#: Where :meth:`HelpMixin.parse_args` leaves a command line's ``--lang`` (``ctx.meta``, shared by a
#: command's context and its group's).
LANG_KEY = "gridmap.help_lang"


def lang() -> str:
    """The language help is shown in: the command line's ``--lang`` (before or after ``--help``),
    else ``GRIDMAP_LANG``, else the locale."""
    ctx = click.get_current_context(silent=True)
    given = ctx.meta.get(LANG_KEY) if ctx is not None else None
    return given or i18n.default_lang()


def given_lang(args) -> str | None:
    """The value of ``--lang`` among a command's arguments (``--lang en``, ``--lang=en``; before a
    ``--``), when it is a language of the vocabulary; else None. click shows ``--help`` as soon as it
    meets it, before ``--lang`` is parsed in whatever order the two were given."""
    args = list(args)
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = args[i + 1] if arg == "--lang" and i + 1 < len(args) else (
            arg.split("=", 1)[1] if arg.startswith("--lang=") else None)
        if value in i18n.LANGS:
            return value
    return None


def words(value, language: str):
    """``value`` in ``language`` when it is a help key of the vocabulary, else ``value`` itself."""
    if isinstance(value, str) and value.startswith("help.") and i18n.has(value):
        return i18n.text(value, language)
    return value


#: click's own options, which carry click's English help.
_CLICK_OPTIONS = {"version": "help.option.version"}


def _option_help(command: click.Command, ctx: click.Context, param: click.Option, language: str) -> str:
    if param is command.get_help_option(ctx):
        return i18n.text("help.option.help", language)
    if param.name in _CLICK_OPTIONS:
        return i18n.text(_CLICK_OPTIONS[param.name], language)
    return words(param.help, language) or ""


def _option_record(command: click.Command, ctx: click.Context, param: click.Option, language: str):
    """(spellings, help) of one option with click's bracket of default, range and required, in ``language``."""
    if param.hidden:
        return None
    help_text = _option_help(command, ctx, param, language)
    extra = param.get_help_extra(ctx)
    items = []
    if "envvars" in extra:
        items.append(i18n.text("help.envvar", language, var=", ".join(extra["envvars"])))
    if "default" in extra:
        default = extra["default"]
        if isinstance(param.show_default, str):  # prose: a key, shown without click's parentheses
            default = words(param.show_default, language)
        items.append(i18n.text("help.default", language, default=default))
    if "range" in extra:
        items.append(extra["range"])
    if "required" in extra:
        items.append(i18n.text("help.required", language))
    if items:
        bracket = i18n.text("help.separator", language).join(items)
        help_text = f"{help_text}  [{bracket}]" if help_text else f"[{bracket}]"
    return metavars(param.get_help_spec(ctx), language), help_text


#: click's metavars of its types, which the vocabulary names (``help.metavar.<NAME>``).
_METAVARS = re.compile(r"\b(FLOAT RANGE|INTEGER RANGE|FLOAT|INTEGER|TEXT|FILE|DIRECTORY|PATH|BOOLEAN|OPTIONS|"
                       r"COMMAND|ARGS|METRES)\b")


def metavars(spec: str, language: str) -> str:
    """``spec`` with click's type metavars (TEXT, FILE, FLOAT ...) and the unit METRES in ``language``;
    the names of arguments and values (PLAN, GRID_ID) stay as the descriptions name them."""
    return _METAVARS.sub(lambda m: i18n.text(f"help.metavar.{m.group(1).replace(' ', '_')}", language), spec)


# -------------------------------------------------------------------- Chinese text on a terminal
# click wraps by counting characters and joins the lines of a paragraph with spaces; a Chinese
# character takes two columns and a Chinese sentence has no spaces to break at, so the zh help
# is wrapped here instead: by display columns, between any two Chinese characters, never
# starting a line with closing punctuation, and lines joined without a space between Chinese.

#: One token: a wide (CJK, full-width) character, a run of other non-space characters, or spaces.
_TOKENS = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff"
                     r"\ufe30-\ufe4f\uff00-\uffef]+|\s+")
#: Punctuation that must not begin a line.
_CLOSING = set("，。、；：！？）」』】》,.;:!?)]")
#: Punctuation that must not end a line.
_OPENING = set("（「『【《")


def _columns(text: str) -> int:
    """Terminal columns of ``text``: two for wide characters, one for the others."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _wide(char: str) -> bool:
    return bool(char) and unicodedata.east_asian_width(char) in "WF"


#: Full-width punctuation, which needs no space beside it.
_PUNCTUATION = set("，。、；：！？（）「」『』【】《》")


def _join(lines) -> str:
    """The lines of one paragraph as one line: a space between them, unless both sides are Chinese
    or one is Chinese punctuation."""
    out = ""
    for line in lines:
        line = line.strip()
        if out and line and not ((_wide(out[-1]) and _wide(line[0])) or out[-1] in _PUNCTUATION
                                 or line[0] in _PUNCTUATION):
            out += " "
        out += line
    return out


def _fill(text: str, width: int, first: str, rest: str) -> list[str]:
    """``text`` (one paragraph) in lines of at most ``width`` columns, indents included."""
    lines, line = [], first
    used, has_words = _columns(first), False
    # a [bracket] (click's default, range, required), `code` or 'quoted' value that fits a line is kept on one
    room = width - _columns(rest)
    tokens = [token for part in re.split(r"(\[[^\[\]]*\]|`[^`]*`|'[^']*')", text)
              for token in ([part] if part[:1] in "[`'" and part and _columns(part) <= room
                            else _TOKENS.findall(part))]
    # a run too long for a line (a list of tags) breaks after its | , or /
    tokens = [piece for token in tokens
              for piece in (re.findall(r"[^|,/]+[|,/]?|[|,/]", token) if _columns(token) > room else [token])]
    for token in tokens:
        if token.isspace():
            if has_words:
                line, used = line + " ", used + 1
            continue
        size = _columns(token)
        if has_words and used + size > width and token[0] not in _CLOSING:
            carried = line[-1] if line[-1] in _OPENING and line[:-1].strip() else ""  # never end a line with （
            lines.append(line[:len(line) - len(carried)].rstrip())
            line, used, has_words = rest + carried, _columns(rest + carried), bool(carried)
        line, used, has_words = line + token, used + size, True
    lines.append(line.rstrip())
    return lines


def wrap(text: str, width: int, indent: str = "") -> str:
    """click's ``wrap_text(..., preserve_paragraphs=True)`` for Chinese: paragraphs apart, ``\\b`` blocks as written."""
    out = []
    for block in re.split(r"\n\s*\n", text.expandtabs()):
        lines = block.split("\n")
        if not block.strip():
            continue
        if lines[0].strip() == "\b":
            out.append("\n".join(indent + line for line in lines[1:]))
            continue
        extra = " " * (len(lines[0]) - len(lines[0].lstrip()))
        out.append("\n".join(_fill(_join(lines), width, indent + extra, indent + extra)))
    return "\n\n".join(out)


class ChineseHelpFormatter(click.HelpFormatter):
    """click's help formatter with text wrapped by :func:`wrap` and full-width colons after headings."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        self.write(wrap(text, self.width, " " * self.current_indent))
        self.write("\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((_columns(first) for first, _ in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if _columns(first) <= first_col - col_spacing:
                self.write(" " * (first_col - _columns(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(second, max(self.width - first_col - 2 - self.current_indent, 10)).splitlines()
            self.write(f"{lines[0] if lines else ''}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


def chosen_lang(ctx: click.Context) -> str | None:
    """The ``--lang`` given to the command running under ``ctx`` (or under a context it shares its
    meta with: the group's, when a command failed), else None."""
    return ctx.meta.get(LANG_KEY)


class HelpMixin:
    """Help texts looked up in :mod:`gridmap.i18n` when shown (see the module's docstring)."""

    def help_key(self) -> str:
        return f"help.{self.name}"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given = given_lang(args) if any(p.name == "lang" for p in self.params) else None
        if given:
            ctx.meta[LANG_KEY] = given
        return super().parse_args(ctx, args)

    def get_help(self, ctx: click.Context) -> str:
        if lang() != "zh":
            return super().get_help(ctx)
        formatter = ChineseHelpFormatter(width=ctx.terminal_width, max_width=ctx.max_content_width)
        self.format_help(ctx, formatter)
        return formatter.getvalue().rstrip("\n")

    def get_short_help_str(self, limit: int = 45) -> str:
        key = f"{self.help_key()}.short"
        if i18n.has(key):
            return i18n.text(key, lang())
        return super().get_short_help_str(limit)

    def format_usage(self, ctx, formatter):
        pieces = self.collect_usage_pieces(ctx)
        language = lang()
        formatter.write_usage(ctx.command_path, metavars(" ".join(pieces), language), i18n.text("help.usage", language))

    def format_help_text(self, ctx, formatter):
        key = self.help_key()
        if not i18n.has(key):
            return super().format_help_text(ctx, formatter)
        import inspect

        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(inspect.cleandoc(i18n.text(key, lang())))

    def format_options(self, ctx, formatter):
        language = lang()
        records = [record for param in self.get_params(ctx) if isinstance(param, click.Option)
                   for record in [_option_record(self, ctx, param, language)] if record is not None]
        if records:
            with formatter.section(i18n.text("help.section.options", language)):
                formatter.write_dl(records)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def format_commands(self, ctx, formatter):
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str()))
        if rows:
            with formatter.section(i18n.text("help.section.commands", lang())):
                formatter.write_dl(rows)


class HelpCommand(HelpMixin, click.Command):
    """A click command whose help comes from :mod:`gridmap.i18n` (``@click.command(NAME, cls=HelpCommand)``)."""
