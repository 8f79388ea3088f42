"""The installed version of a package, as a plan's metadata and a batch's fingerprint record it."""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def package_version(package: str) -> str:
    """``package``'s installed version, or ``"unknown"`` when it is not installed as a distribution."""
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"
