"""Errors that gridmap raises for bad input; the CLI turns them into one-line messages."""


class GridmapError(Exception):
    """Base class of every error gridmap raises on purpose."""


class InputError(GridmapError, ValueError):
    """An input file or layer is missing, empty, unreadable or inconsistent."""

