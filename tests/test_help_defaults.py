"""The defaults that ``--help`` states in prose are the rule classes' defaults.

Most options default to ``None`` so that a rules file can supply the value; their help
text then states the rule's default by hand (``[default: 300 500]``). This test ties every
such statement, in both languages, to the field it describes, so a changed default in
:mod:`gridmap.config` or :mod:`gridmap.dedicated` cannot leave ``--help`` saying the old one.
"""

from __future__ import annotations

import re

import pytest

from gridmap import i18n
from gridmap.config import PlanConfig, ReachConfig, RuralRule, UrbanRule
from gridmap.dedicated import DEFAULT_MIN_AREA_M2, DedicatedRule
from gridmap.validate import ValidationRules


def _num(x: float) -> str:
    """A default as the help texts write it: ``300``, ``5,000`` (en), ``5,000`` (zh)."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:g}"


band = PlanConfig().band
#: help key -> the default's words in (zh, en), computed from the rule classes.
STATED = {
    "help.option.band": (f"{_num(band.lo)} {_num(band.hi)}",) * 2,
    "help.option.urban": (f"`{UrbanRule().mode}`", UrbanRule().mode),
    "help.option.urban_density": (_num(UrbanRule().min_density),) * 2,
    "help.option.rural_grids": (f"`{RuralRule().grids}`", RuralRule().grids),
    "help.option.settlement_gap": (_num(RuralRule().gap_m),) * 2,
    "help.option.settlement_min": (_num(RuralRule().min_households),) * 2,
    "help.option.split_large": ("否" if not RuralRule().split_large else "是",
                                "no" if not RuralRule().split_large else "yes"),
    "help.option.minutes_urban": (_num(ReachConfig().minutes_urban),) * 2,
    "help.option.minutes_rural": (_num(ReachConfig().minutes_rural),) * 2,
    "help.option.mode": (f"`{ReachConfig().mode}`", ReachConfig().mode),
    "help.dedicated.option.max_households": (_num(DedicatedRule().max_households),) * 2,
    "help.validate.option.tolerance": (_num(ValidationRules().tolerance_m2),) * 2,
}

_BRACKET = {"zh": re.compile(r"\[默认：(.*?)\]", re.S), "en": re.compile(r"\[default: (.*?)\]", re.S)}


@pytest.mark.parametrize("key", sorted(STATED))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_stated_default_is_the_rules_default(key, lang):
    text = i18n.text(key, lang)
    found = _BRACKET[lang].search(text)
    assert found, f"{key} ({lang}) states no default: {text!r}"
    expected = STATED[key][0 if lang == "zh" else 1]
    stated = found.group(1)
    # The bracket holds the default first (``walk, or the config's``): compare its first term.
    first = re.split(r"[，,]\s*(?:或|or)", stated)[0].strip()
    assert first == expected, f"{key} ({lang}) says {stated!r}; the rules' default is {expected!r}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dedicated_min_area_defaults(lang):
    """``--min-area``'s prose lists every kind's default area."""
    stated = _BRACKET[lang].search(i18n.text("help.dedicated.option.min_area", lang)).group(1)
    numbers = {float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", stated)}
    assert numbers == set(DEFAULT_MIN_AREA_M2.values())


def test_the_table_covers_every_hand_stated_number():
    """A new help text stating a numeric default by hand must join :data:`STATED`."""
    numeric = re.compile(r"\[default: \d[\d,. ]*\]")
    keys = {k for k in i18n._WORDS if k.startswith("help.") and numeric.search(i18n.text(k, "en"))}
    assert keys <= set(STATED) | {"help.dedicated.option.min_area"}, sorted(keys - set(STATED))
