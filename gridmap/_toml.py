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

from gridmap.errors import InputError


#: Top-level tables of a combined rules file (``gridmap ... --config rules.toml``).
SECTIONS = ("plan", "staffing", "reach", "validate", "report")


def read_toml(path: str | Path, what: str = "config") -> dict:
    """A TOML file as a dict; a missing or malformed file is an :class:`InputError` naming ``what``."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{what}: no such file {path}")
    data = path.read_bytes()
    try:  # TOML is UTF-8; Windows editors often add a byte-order mark
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            data.decode("gb18030")
            hint = " (it looks like GBK/GB18030: save it as UTF-8)"
        except UnicodeDecodeError:
            hint = ""
        raise InputError(f"{what}: {path} is not UTF-8 text at byte {exc.start}{hint}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{what}: {path} is not valid TOML: {exc}") from None


def read_toml_section(path: str | Path, section: str, *, bare: bool = True) -> dict:
    """The table ``section`` of a TOML file.

    A file with any of the tables ``[plan]``, ``[staffing]``, ``[reach]``, ``[validate]``
    is a combined rules file: the section, or ``{}`` (defaults) when it lacks it. A file
    with none of them holds one section's parameters only: this section's when
    ``bare``, else another's (``{}``).
    """
    data = read_toml(path)
    if any(isinstance(data.get(name), dict) for name in SECTIONS):
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
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise InputError(f"{cls.section}: unknown parameter(s) {sorted(unknown)}; known: {sorted(known)}")
        return cls(**cls._coerce(dict(data)))

    @classmethod
    def _coerce(cls, data: dict) -> dict:
        return data

    @classmethod
    def from_toml(cls, path: str | Path, *, bare: bool = True):
        """Read this section's table of a rules file (see :func:`read_toml_section`)."""
        return cls.from_dict(read_toml_section(path, cls.section, bare=bare))

    def to_toml(self) -> str:
        """TOML text of these rules (readable back by :meth:`from_toml`)."""
        return to_toml(self.to_dict())
