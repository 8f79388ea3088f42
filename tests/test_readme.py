"""Every code block of README.md and every ``gridmap presets`` output is executed, so neither can rot.

Shell lines that name files a reader supplies (``county.gpkg``, ``villages.gpkg``...) cannot
run here: their options are checked against the command's ``--help`` instead. The others run
in a scratch directory holding the bundled data (the Liechtenstein and Providence commands
and everything on ``out/li``: slow, about a minute).
"""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from gridmap.cli.main import cli
from tests.conftest import DATA

README = Path(__file__).resolve().parent.parent / "README.md"

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def blocks(language: str) -> list[str]:
    """The README's fenced code blocks in ``language``."""
    text = README.read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def shell_commands() -> list[list[str]]:
    """The ``gridmap`` command lines of the README's shell blocks, comments dropped, continuations joined."""
    commands = []
    for block in blocks("sh"):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["gridmap"]:
                commands.append(words[1:])
    return commands


def gm(args, cwd=None):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


def _runnable(args) -> bool:
    """A command whose input files all come with gridmap (or with an earlier README command)."""
    if "..." in args:
        return False
    # inputs: files named anywhere but after --out (a plan under out/ comes from an earlier command,
    # which may itself have been skipped)
    files = [a for before, a in zip(["", *args], args) if re.search(r"\.(gpkg|shp|geojson|zip|pbf|toml|csv)$", a)
             and before != "--out"]
    return all(Path(a).exists() for a in files)


def test_every_readme_command_names_real_options():
    commands = shell_commands()
    assert len(commands) >= 15
    for args in commands:
        name = args[0]
        code, help_text = gm([name, "--help"])
        assert code == 0, f"gridmap {name}: no such command"
        for option in (a.split("=")[0] for a in args if a.startswith("--")):
            assert option in help_text, f"README: gridmap {name} has no option {option}"


def test_readme_toml_examples_are_valid(tmp_path):
    from gridmap.config import PlanConfig
    from gridmap.roads import ReachConfig
    from gridmap.staffing import StaffingConfig
    from gridmap.validate import ValidationRules

    examples = blocks("toml")
    rules = [b for b in examples if "[plan]" in b]
    manifests = [b for b in examples if "[[run]]" in b]
    assert len(rules) == 1 and len(rules) + len(manifests) == len(examples)
    path = tmp_path / "rules.toml"
    path.write_text(rules[0], encoding="utf-8")
    plan = PlanConfig.from_toml(path)
    assert plan.band == (300.0, 500.0) and plan.urban.mode == "density"
    staffing = StaffingConfig.from_toml(path, bare=False)
    assert staffing.urban[0].worker_type == "full_time" and staffing.monthly_pay("part_time") == 500.0
    assert ReachConfig.from_toml(path, bare=False).mode == "ebike"
    ValidationRules.from_toml(path)
    for i, manifest in enumerate(manifests):
        from gridmap.batch import read_manifest

        path = tmp_path / f"province{i}.toml"
        path.write_text(manifest, encoding="utf-8")
        assert read_manifest(path)


@pytest.mark.parametrize("name", ["dafang", "etuokeqian", "pengxi", "wusheng", "yingjing"])
def test_presets_printed_are_valid_rules(name, tmp_path):
    """What ``gridmap presets NAME`` prints, saved as a file, is a rules file every step reads."""
    from gridmap.config import PlanConfig
    from gridmap.roads import ReachConfig
    from gridmap.staffing import StaffingConfig
    from gridmap.validate import ValidationRules

    code, text = gm(["presets", name])
    assert code == 0, text
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    PlanConfig.from_toml(path)
    StaffingConfig.from_toml(path, bare=False)
    ReachConfig.from_toml(path, bare=False)
    ValidationRules.from_toml(path)


def test_presets_listing_names_each_preset():
    code, text = gm(["presets"])
    assert code == 0, text
    for name in ("dafang", "etuokeqian", "pengxi", "wusheng", "yingjing"):
        assert re.search(rf"^{name}\s", text, flags=re.M), text


@pytest.fixture()
def scratch(tmp_path, monkeypatch):
    """A working directory with the bundled data at data/, as in a checkout."""
    (tmp_path / "data").symlink_to(DATA, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.slow
def test_readme_shell_commands_run(scratch):
    ran = []
    for args in shell_commands():
        if not _runnable(args):
            continue
        code, text = gm(args)
        assert code == 0, f"gridmap {' '.join(args)}:\n{text}"
        assert "Traceback" not in text and "gridmap: warning" not in text, text
        ran.append(args[0])
    # the walk-through on out/li runs whole: partition, staff, reach, validate, map, report, export, presets, run
    assert {"partition", "staff", "reach", "validate", "map", "report", "export", "presets", "run"} <= set(ran)
    assert (scratch / "out/li/map.html").exists() and (scratch / "out/yj/report.html").exists()


@pytest.mark.slow
def test_readme_python_example_runs(scratch):
    (example,) = blocks("python")
    (scratch / "out/li").mkdir(parents=True)
    namespace = {}
    exec(compile(example, "README.md", "exec"), namespace)
    assert (scratch / "out/li/plan.gpkg").exists()
    assert len(namespace["plan"].grids) > 50
