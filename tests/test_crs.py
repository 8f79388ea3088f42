import pytest

from gridmap.crs import gauss_kruger_3deg, metric_crs
from gridmap.errors import InputError


def test_china_gets_cgcs2000_gauss_kruger():
    crs = metric_crs(102.85, 29.8)  # 荥经县, Sichuan: central meridian 102°E
    assert crs.to_epsg() == 4543
    assert "CGCS2000" in crs.name and "102E" in crs.name


def test_gauss_kruger_zones_cover_china():
    assert "75E" in gauss_kruger_3deg(74.0).name
    assert "135E" in gauss_kruger_3deg(134.9).name


def test_elsewhere_utm():
    assert metric_crs(9.55, 47.15).to_epsg() == 32632     # Liechtenstein
    assert metric_crs(-71.4, 41.8).to_epsg() == 32619     # Providence
    assert metric_crs(-70.0, -33.0).to_epsg() == 32719    # southern hemisphere


def test_override_must_be_metric():
    assert metric_crs(9.5, 47.1, "EPSG:2056").to_epsg() == 2056
    with pytest.raises(InputError, match="not a projected CRS"):
        metric_crs(9.5, 47.1, "EPSG:4326")
    with pytest.raises(InputError, match="cannot understand"):
        metric_crs(9.5, 47.1, "EPSG:nonsense")
