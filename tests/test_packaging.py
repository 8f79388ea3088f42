"""What gridmap imports is what ``pip install gridmap`` installs (setup.cfg's install_requires).

A plain ``make demo`` on a fresh machine installs the core requirements only: a module the
code needs but only the test extras bring in passes every test and fails for the user.
"""
import ast
import configparser
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: imported names whose distribution comes with a declared one (not declared on their own)
THROUGH = {"branca": "folium", "markupsafe": "jinja2", "requests": "osmnx"}
#: imported names that belong to an extra, with the extra
EXTRAS = {"distributed": "batch"}


def _requirements() -> tuple[set[str], dict[str, set[str]]]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")

    def names(text):
        return {re.split(r"[<>=\[;\s]", line.strip(), maxsplit=1)[0].lower()
                for line in text.splitlines() if line.strip() and not line.strip().startswith("#")}

    core = names(cfg["options"]["install_requires"])
    extras = {k: names(v) for k, v in cfg["options.extras_require"].items()}
    return core, extras


def _imports() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / "gridmap").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                tops = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                tops = [node.module.split(".")[0]]
            else:
                continue
            for top in tops:
                if top != "gridmap" and top not in sys.stdlib_module_names:
                    found.setdefault(top, set()).add(path.relative_to(ROOT).as_posix())
    return found


def test_every_import_is_a_declared_dependency():
    core, extras = _requirements()
    missing = {}
    for name, files in _imports().items():
        if name in EXTRAS:
            # dask[distributed] brings distributed
            assert extras.get(EXTRAS[name], set()) & {name, "dask"}, (name, EXTRAS[name])
            continue
        if THROUGH.get(name, name) not in core:
            missing[name] = sorted(files)
    assert not missing, f"imported but not in install_requires: {missing}"


def test_arrow_writes_have_pyarrow():
    # pyogrio's use_arrow=True needs pyarrow, which no module imports by name
    core, _ = _requirements()
    users = [p.relative_to(ROOT).as_posix() for p in (ROOT / "gridmap").rglob("*.py")
             if "use_arrow=True" in p.read_text(encoding="utf-8")]
    assert not users or "pyarrow" in core, users
