import pytest

from gridmap.config import PlanConfig, UrbanRule
from gridmap.errors import InputError


def test_defaults_are_the_usual_band():
    config = PlanConfig()
    assert config.band == (300.0, 500.0)
    assert config.seed == 0


@pytest.mark.parametrize("band, message", [
    ((500, 300), "0 < MIN <= MAX"),
    ((0, 300), "0 < MIN <= MAX"),
    (("a", 3), "two numbers"),
    ((1, 2, 3), "two numbers"),
])
def test_invalid_band_names_the_parameter(band, message):
    with pytest.raises(InputError, match="band") as err:
        PlanConfig(band=band)
    assert message in str(err.value)


def test_other_parameters_are_validated():
    with pytest.raises(InputError, match="seed"):
        PlanConfig(seed=-1)
    with pytest.raises(InputError, match="sliver_m2"):
        PlanConfig(sliver_m2=-5)
    with pytest.raises(InputError, match="cut_weights"):
        PlanConfig(cut_weights={"river": -1})
    with pytest.raises(InputError, match="urban.mode"):
        UrbanRule(mode="sometimes")
    with pytest.raises(InputError, match="urban_pattern"):
        UrbanRule(urban_pattern="([")
    with pytest.raises(InputError, match="unknown parameter"):
        PlanConfig.from_dict({"bnd": [1, 2]})


def test_toml_round_trip(tmp_path):
    config = PlanConfig(band=(200, 400), seed=7, urban=UrbanRule(mode="all", urban=("Vaduz",)))
    path = tmp_path / "rules.toml"
    path.write_text(config.to_toml(), encoding="utf-8")
    assert PlanConfig.from_toml(path) == config


def test_bad_toml_is_a_clear_error(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text("band = [300,", encoding="utf-8")
    with pytest.raises(InputError, match="not valid TOML"):
        PlanConfig.from_toml(path)
    with pytest.raises(InputError, match="no such file"):
        PlanConfig.from_toml(tmp_path / "missing.toml")


@pytest.mark.parametrize("name, expected", [
    ("春苑社区", "urban"),       # communities are urban by name
    ("城关街道", "urban"),       # sub-districts too
    ("红星村", "rural"),          # villages rural by name, whatever the density
    ("Vaduz", None),             # otherwise where the households live decides (plan_unit)
])
def test_default_urban_rule(name, expected):
    assert UrbanRule().by_rule("x", name) == expected
    assert UrbanRule(mode="all").by_rule("x", "Vaduz") == "urban"
    assert UrbanRule(mode="none").by_rule("x", "Vaduz") == "rural"


def test_urban_list_wins():
    assert UrbanRule(urban=("Planken",)).by_rule("x", "Planken") == "urban"
