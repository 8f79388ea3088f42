"""Errors that gridmap raises for bad input; the CLI turns them into one-line messages."""


class GridmapError(Exception):
    """Base class of every error gridmap raises on purpose."""


class InputError(GridmapError, ValueError):
    """An input file or layer is missing, empty, unreadable or inconsistent."""


class MissingLayerError(InputError, KeyError):
    """A plan lacks a layer a step needs (a plan file holding only grids given to ``gridmap staff``).

    A :class:`KeyError` too, so that code looking layers up by name may catch it as one.
    """

    __str__ = Exception.__str__  # the message as written, not KeyError's quoted repr
