"""click's own messages in the command's language.

click words its usage errors itself (an unknown option, a bad value, a missing argument) and
passes every such message through gettext: its modules call ``_(message)`` and
``ngettext(singular, plural, n)`` from :mod:`gettext` before filling in the placeholders.
:func:`install` puts in their place functions that, while a gridmap command runs in Chinese
(its ``--lang``, else ``GRIDMAP_LANG`` or the locale), give the message's Chinese from
:data:`gridmap.i18n.CLICK_ZH`, placeholders unchanged; for any other program built on click,
and in English, click's own words. A message click adds later, not in the table, stays in
English.

The language is the running command's (``click.get_current_context``), so a message that
click words after the command has ended (``UsageError.format_message``) is worded inside
the failed command's context (:func:`worded`).
"""
from __future__ import annotations

import gettext
from contextlib import contextmanager
from importlib import import_module

import click

from gridmap import i18n

#: click's modules that word messages with gettext.
MODULES = ("click.core", "click.exceptions", "click.parser", "click.types")


#: The language click's words are given in regardless of the running command (:func:`words_in`).
_forced: str | None = None


def _zh() -> bool:
    """Whether the running command is gridmap's, in Chinese (or Chinese is asked for: :func:`words_in`)."""
    from gridmap.cli._help import HelpMixin, chosen_lang

    if _forced is not None:
        return _forced == "zh"
    ctx = click.get_current_context(silent=True)
    if ctx is None or not isinstance(ctx.find_root().command, HelpMixin):
        return False
    return (chosen_lang(ctx) or i18n.default_lang()) == "zh"


def _gettext(message: str) -> str:
    return i18n.CLICK_ZH.get(message, message) if _zh() else gettext.gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    if not _zh():
        return gettext.ngettext(singular, plural, n)
    message = singular if n == 1 else plural
    return i18n.CLICK_ZH.get(message, message)


def install() -> None:
    """Word click's messages through :func:`_gettext` and :func:`_ngettext` (idempotent)."""
    for name in MODULES:
        module = import_module(name)
        if hasattr(module, "_"):
            module._ = _gettext
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext


def worded(exc: click.ClickException) -> str:
    """``exc``'s message, worded in the language of the command it failed in."""
    ctx = getattr(exc, "ctx", None)
    if ctx is None:
        return exc.format_message()
    with ctx.scope(cleanup=False):
        return exc.format_message()


@contextmanager
def words_in(lang: str):
    """click's messages in ``lang`` while inside, whichever command runs."""
    global _forced
    before, _forced = _forced, i18n.check_lang(lang)
    try:
        yield
    finally:
        _forced = before


class Words:
    """A message of click's in every language, rendered in the language of the refusal that holds
    it (a parameter of :meth:`gridmap.errors.GridmapError.of`, as :class:`gridmap.i18n.Phrase` is)."""

    key = "click"

    def __init__(self, by_lang: dict[str, str]):
        self.by_lang = by_lang

    def text(self, lang: str) -> str:
        return self.by_lang.get(lang) or self.by_lang.get("en", "")

    def __str__(self) -> str:
        return self.text("en")


def refusal_words(parse) -> Words:
    """click's refusal of ``parse()`` (a call that raises :class:`click.ClickException`, such as
    parsing a manifest's options with ``gridmap run``'s own parser) in every language: parsed once
    in each, so that a value's own message ('x' is not a number) is worded in it too."""
    by_lang = {}
    for lang in i18n.LANGS:
        with words_in(lang):
            try:
                parse()
            except click.ClickException as exc:
                by_lang[lang] = worded(exc)
    return Words(by_lang)
