"""What the tests of refusals in the reader's language share (``tests/test_refusals_*_lang.py``): running
the command line, reading its one-line refusal, and reading a module's source for the refusals it makes."""
from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

from click.testing import CliRunner

from gridmap import i18n
from gridmap.cli.main import cli
from gridmap.errors import GridmapError

#: gridmap's package folder (module paths in the tests are relative to it).
GRIDMAP = Path(i18n.__file__).parent
CHINESE = re.compile(r"[\u4e00-\u9fff]")
PREFIX = "gridmap: error: "


def is_chinese(line: str) -> bool:
    return bool(CHINESE.search(line))


def gm(*args, env_lang: str | None = None, **env) -> tuple[int, str]:
    """Exit code and output of ``gridmap ARGS``; ``env_lang`` is GRIDMAP_LANG (None: unset, the locale C:
    Chinese unless --lang says); ``env``: more variables (None: unset)."""
    env = {"GRIDMAP_LANG": env_lang, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "C", **env}
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env)
    return result.exit_code, result.output


def refusal(code: int, out: str) -> str:
    """The one line of a refusal (exit 2, no traceback), without its prefix."""
    assert code == 2, out
    lines = out.strip().splitlines()
    assert len(lines) == 1, out
    assert lines[0].startswith(PREFIX), out
    assert "Traceback" not in out and "internal error" not in out, out
    return lines[0][len(PREFIX):]


def vocabulary_calls(path: Path):
    """(function name, literal key) of every ``X.of("key")`` and ``Phrase("key")`` call in ``path`` (both
    keys of ``X.of("a" if c else "b")``)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name in ("of", "Phrase"):
            first = node.args[0]
            for arg in (first.body, first.orelse) if isinstance(first, ast.IfExp) else (first,):
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    yield name, arg.value


def raised_by_name(path: Path):
    """Every ``raise Name(...)`` in ``path``: (the node, the class named if gridmap.errors or the builtins
    hold it, else None)."""
    import builtins

    errors = importlib.import_module("gridmap.errors")
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and isinstance(node.exc.func, ast.Name):
            made = getattr(errors, node.exc.func.id, None) or getattr(builtins, node.exc.func.id, None)
            yield node, made if isinstance(made, type) else None


def plain_refusals(path: Path):
    """The ``raise`` nodes of ``path`` that make a GridmapError from plain words (not ``.of(key)``)."""
    return [node for node, made in raised_by_name(path) if made is not None and issubclass(made, GridmapError)]
