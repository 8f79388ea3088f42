"""Errors that gridmap raises for bad input; the CLI turns them into one-line messages."""


class GridmapError(Exception):
    """Base class of every error gridmap raises on purpose.

    An error made with :meth:`of` carries its vocabulary key and numbers: ``str(error)`` is
    its English words (logs, tracebacks, library users), :meth:`text` its words in the
    reader's language (the command line's one-line refusal). One made from a plain message
    says that message in either language.
    """

    key: str | None = None
    params: dict | None = None

    @classmethod
    def of(cls, key: str, /, **params) -> "GridmapError":
        """The error ``error.<key>`` of :mod:`gridmap.i18n`, its template filled with ``params``
        (``what``, the input's role, is named in each language)."""
        from gridmap import i18n

        error = cls(i18n.error_text(key, "en", **params))
        error.key, error.params = key, params
        return error

    def text(self, lang: str) -> str:
        """The error's words in ``lang`` (``zh`` or ``en``)."""
        if self.key is None:
            return str(self)
        from gridmap import i18n

        return i18n.error_text(self.key, lang, **(self.params or {}))


class InputError(GridmapError, ValueError):
    """An input file or layer is missing, empty, unreadable or inconsistent."""


class MissingLayerError(InputError, KeyError):
    """A plan lacks a layer a step needs (a plan file holding only grids given to ``gridmap staff``).

    A :class:`KeyError` too, so that code looking layers up by name may catch it as one.
    """

    __str__ = Exception.__str__  # the message as written, not KeyError's quoted repr
