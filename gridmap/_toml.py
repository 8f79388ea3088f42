"""TOML reading and writing of rules files (private plumbing of the config classes).

A rules file holds the tables ``[plan]``, ``[staffing]``, ``[reach]`` and ``[validate]``
(``[preset]`` too, in bundled presets); a file with none of them holds one section's
parameters only.
"""
from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from pathlib import Path

from gridmap import i18n
from gridmap.errors import InputError


#: Top-level tables of a combined rules file (``gridmap ... --config rules.toml``).
SECTIONS = ("plan", "staffing", "reach", "validate", "report")
#: Other top-level tables a rules file may hold: a preset's description, the dedicated grids'
#: rules (``gridmap.dedicated``). A table of any other name is refused (``[plna]``: a typo
#: would otherwise leave the defaults in force without a word); a new table is added here.
OTHER_TABLES = ("preset", "dedicated")


#: tomllib's commonest reasons (Python 3.11-3.13 words) -> the vocabulary's ``phrase.<key>``: a county's
#: planner editing a rules file reads them in Chinese; any other is shown in tomllib's words.
_PARSER_WORDS = {
    "Invalid value": "toml_invalid_value",
    "Expected '=' after a key in a key/value pair": "toml_expected_equals",
    "Invalid statement": "toml_invalid_statement",
    "Invalid initial character for a key part": "toml_invalid_key",
    "Expected newline or end of document after a statement": "toml_expected_newline",
    "Unterminated string": "toml_unterminated_string",
    "Unclosed array": "toml_unclosed_array",
    "Unclosed inline table": "toml_unclosed_inline_table",
    "Expected ']' at the end of a table declaration": "toml_expected_table_end",
    "Cannot overwrite a value": "toml_cannot_overwrite",
}
_PARSER_PLACE = re.compile(r"(?P<detail>.*) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)",
                           re.DOTALL)


class _ParserReason:
    """Why tomllib refuses a file, as a piece of a refusal (like :class:`gridmap.i18n.Phrase`):
    in English tomllib's own words; in Chinese its place (line, column) and, for the
    commonest reasons, its words from the vocabulary."""

    key = "toml_reason"

    def __init__(self, exc: Exception):
        self.message = str(exc)

    def text(self, lang: str) -> str:
        place = _PARSER_PLACE.fullmatch(self.message)
        if i18n.check_lang(lang) == "en" or place is None:
            return self.message
        detail = place["detail"]
        twice = re.fullmatch(r"Cannot declare (.+) twice", detail)
        if detail in _PARSER_WORDS:
            detail = i18n.text(f"phrase.{_PARSER_WORDS[detail]}", lang)
        elif twice:
            import ast

            try:  # tomllib names the table as a tuple of its keys: ('plan', 'urban')
                name = ".".join(map(str, ast.literal_eval(twice[1])))
            except (ValueError, SyntaxError, TypeError):
                name = twice[1]
            detail = i18n.text("phrase.toml_declared_twice", lang, key=name)
        if place["line"] is None:
            return i18n.text("phrase.toml_at_end", lang, detail=detail)
        return i18n.text("phrase.toml_at_line", lang, line=place["line"], column=place["column"], detail=detail)


def read_toml(path: str | Path, what: str = "config") -> dict:
    """A TOML file as a dict; a missing or malformed file is an :class:`InputError` naming ``what``."""
    path = Path(path)
    if not path.exists():
        raise InputError.of("no_such_file", what=what, path=path)
    data = path.read_bytes()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(data) > 1 and b"\x00" in data[:64]):
        raise InputError.of("toml_utf16", what=what, path=path)
    try:  # TOML is UTF-8; Windows editors often add a byte-order mark
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            data.decode("gb18030")
            hint = i18n.Phrase("phrase.toml_looks_gbk")
        except UnicodeDecodeError:
            hint = ""
        raise InputError.of("toml_not_utf8", what=what, path=path, byte=exc.start, hint=hint) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError.of("toml_invalid", what=what, path=path, reason=_ParserReason(exc)) from None


def read_toml_section(path: str | Path, section: str, *, bare: bool = True) -> dict:
    """The table ``section`` of a TOML file.

    A file with any of the tables ``[plan]``, ``[staffing]``, ``[reach]``, ``[validate]``
    is a combined rules file: the section, or ``{}`` (defaults) when it lacks it. A file
    with none of them holds one section's parameters only: this section's when
    ``bare``, else another's (``{}``).
    """
    data = read_toml(path)
    if any(isinstance(data.get(name), dict) for name in SECTIONS):
        unknown = [name for name in data if name not in (*SECTIONS, *OTHER_TABLES)]
        if unknown:
            import difflib

            close = difflib.get_close_matches(unknown[0], SECTIONS, n=1)
            hint = i18n.Phrase("phrase.toml_did_you_mean", name=close[0]) if close else ""
            raise InputError.of("toml_unknown_table", what="config", path=path, name=unknown[0], hint=hint,
                                known=", ".join(SECTIONS + OTHER_TABLES))
        return data.get(section, {})
    return data if bare else {}


def _lists(value):
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    return value


def _toml_key(k) -> str:
    k = str(k)
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else _toml_value(k)


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def to_toml(data: dict, prefix: str = "") -> str:
    """TOML text of nested dicts; lists of dicts become arrays of tables (``[[name]]``)."""
    def is_tables(v):
        return isinstance(v, list) and v and all(isinstance(x, dict) for x in v)

    scalars = [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in data.items()
               if not isinstance(v, dict) and not is_tables(v)]
    text = "\n".join(scalars) + ("\n" if scalars else "")
    for k, v in data.items():
        name = f"{prefix}.{_toml_key(k)}" if prefix else _toml_key(k)
        if isinstance(v, dict):
            text += f"\n[{name}]\n" + to_toml(v, name)
        elif is_tables(v):
            for item in v:  # tables inside an array element are written inline
                text += f"\n[[{name}]]\n" + "".join(f"{_toml_key(a)} = {_toml_value(b)}\n" for a, b in item.items())
    return text


class Rules:
    """What the frozen rule dataclasses share: copies, dicts and TOML round trips.

    A subclass sets ``section`` (its table in a rules file) and may override ``_coerce``
    to turn TOML lists back into the tuples its fields hold.
    """

    section = ""

    def replace(self, **changes):
        """A copy with some parameters changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        """Plain dict (lists, not tuples), as written to TOML and the plan's metadata."""
        return _lists(dataclasses.asdict(self))

    @classmethod
    def from_dict(cls, data: dict):
        if not isinstance(data, dict):
            raise InputError.of("toml_not_a_table", where=cls.section, value=data)
        check_types(cls, data, cls.section)
        return cls(**cls._coerce(dict(data)))

    @classmethod
    def _coerce(cls, data: dict) -> dict:
        return data

    @classmethod
    def from_toml(cls, path: str | Path, *, bare: bool = True):
        """Read this section's table of a rules file (see :func:`read_toml_section`)."""
        data = read_toml_section(path, cls.section, bare=bare)
        try:
            return cls.from_dict(data)
        except InputError as exc:
            raise InputError.of("toml_in_file", what="config", path=path, error=exc) from None

    def to_toml(self) -> str:
        """TOML text of these rules (readable back by :meth:`from_toml`)."""
        return to_toml(self.to_dict())


def check_types(cls, data: dict, where: str) -> None:
    """Check a table of parameters against the fields of the dataclass ``cls`` (names and types).

    TOML gives strings, numbers, booleans, arrays and tables; a value of the wrong kind
    (``min_density = "high"``, ``seed = true``, ``cut_weights = {river = "low"}``) is an
    :class:`InputError` naming the parameter (``plan.urban.min_density``), never a
    traceback further on. Nested rule tables are checked the same way.
    """
    import typing

    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = set(data) - set(fields)
    if unknown:
        raise InputError.of("rules_unknown_parameters", where=where, unknown=sorted(unknown), known=sorted(fields))
    hints = typing.get_type_hints(cls)
    for name, value in data.items():
        field = fields[name]
        if field.default is not dataclasses.MISSING:
            default = field.default
        elif field.default_factory is not dataclasses.MISSING:
            default = field.default_factory()
        else:
            default = None
        _check_value(f"{where}.{name}", value, hints.get(name), default)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_value(where: str, value, hint, default) -> None:
    import typing

    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is float:
        if not _is_number(value):
            raise InputError.of("toml_expected_number", where=where, value=value)
    elif hint is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise InputError.of("toml_expected_integer", where=where, value=value)
    elif hint is bool:
        if not isinstance(value, bool):
            raise InputError.of("toml_expected_bool", where=where, value=value)
    elif hint is str:
        if not isinstance(value, str):
            raise InputError.of("toml_expected_text", where=where, value=value)
    elif hint is dict or origin is dict:
        if not isinstance(value, dict):
            raise InputError.of("toml_expected_table", where=where, value=value)
        # the kind of the values: from the annotation (dict[str, float]) or the default's values
        kinds = {type(v) for v in default.values()} if isinstance(default, dict) and default else set()
        inner = args[1] if len(args) == 2 else float if kinds and kinds <= {int, float} else \
            str if kinds == {str} else None
        if inner in (float, str):
            for key, item in value.items():
                _check_value(f"{where}.{key}", item, inner, None)
    elif isinstance(hint, type) and issubclass(hint, tuple) and hasattr(hint, "_fields"):  # a NamedTuple (Band)
        if not isinstance(value, (list, tuple)) or len(value) != len(hint._fields):
            raise InputError.of("toml_expected_values_named", where=where, count=len(hint._fields),
                                fields=", ".join(hint._fields), value=value)
        kinds = typing.get_type_hints(hint)
        for i, (item, name) in enumerate(zip(value, hint._fields)):
            _check_value(f"{where}[{i}]", item, kinds.get(name), None)
    elif hint is tuple or origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise InputError.of("toml_expected_array", where=where, value=value)
        if len(args) == 2 and args[1] is Ellipsis:
            for i, item in enumerate(value):
                _check_value(f"{where}[{i}]", item, args[0], None)
        elif args and Ellipsis not in args:
            if len(value) != len(args):
                raise InputError.of("toml_expected_values", where=where, count=len(args), value=value)
            for i, (item, kind) in enumerate(zip(value, args)):
                _check_value(f"{where}[{i}]", item, kind, None)
    elif dataclasses.is_dataclass(hint) and isinstance(value, dict):
        check_types(hint, value, where)
