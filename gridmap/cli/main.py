"""The click group: ``gridmap COMMAND``; no expected error ever ends in a traceback.

Exit codes: 0 done; 2 bad input or a file system that refuses the outputs (a one-line
message naming the file and the fix); 3 validation found an error-level fault; 1 a bug
in gridmap (a short message asking for an issue report; ``GRIDMAP_DEBUG=1`` shows the
traceback).
"""
from __future__ import annotations

import errno
import os
import sys
import warnings

import click

from gridmap import i18n
from gridmap.cli._click_words import install, worded
from gridmap.cli._help import LANG_KEY, HelpMixin, chosen_lang, given_lang
from gridmap.errors import GridmapError

install()  # click's own usage errors in the command's language (gridmap.cli._click_words)

#: Exit codes: 0 done, 1 unexpected failure (a bug), 2 bad input or usage, 3 validation found errors.
EXIT_BUG = 1
EXIT_BAD_INPUT = 2
EXIT_FAULTS = 3

#: What to do about a file system error, by errno (words of the vocabulary).
_OS_FIXES = {
    errno.ENOSPC: "error.cli_os_enospc",
    errno.EDQUOT: "error.cli_os_edquot",
    errno.EACCES: "error.cli_os_eacces",
    errno.EPERM: "error.cli_os_eperm",
    errno.EROFS: "error.cli_os_erofs",
    errno.ENOTDIR: "error.cli_os_enotdir",
    errno.EISDIR: "error.cli_os_eisdir",
    errno.ENOENT: "error.cli_os_enoent",
    errno.ENAMETOOLONG: "error.cli_os_enametoolong",
}


def os_error_message(exc: OSError, lang: str = "en") -> str:
    """One line for a file system error in ``lang``: the file, what happened and the fix (an error
    the vocabulary does not know: the system's own words)."""
    where = exc.filename or ""
    if exc.filename2:
        where = f"{where} -> {exc.filename2}"
    key = _OS_FIXES.get(exc.errno)
    fix = i18n.text(key, lang) if key else (exc.strerror or str(exc))
    text = i18n.text("error.cli_os_error", lang, where=where, fix=fix) if where else fix
    return " ".join(text.split())


def one_line(message) -> str:
    """A message on one line (multi-line texts of libraries folded)."""
    return " ".join(str(message).split())


def _show_warning(message, category, filename, lineno, file=None, line=None):
    # Library warnings (geopandas, pyogrio, shapely) arrive as several lines with a source
    # excerpt; the user gets one line naming what to look at.
    click.echo(f"gridmap: warning: {one_line(message)}", err=True)


class GridmapGroup(HelpMixin, click.Group):
    """Turns every error into a one-line message and a meaningful exit code, never a traceback;
    its help, like every command's, is in the reader's language (:mod:`gridmap.cli._help`)."""

    def help_key(self) -> str:
        return "help.gridmap"

    def parse_args(self, ctx, args):
        # the language of a refusal before the command is known (an unknown command) is its --lang too
        given = given_lang(args)
        if given:
            ctx.meta[LANG_KEY] = given
        return super().parse_args(ctx, args)

    def __call__(self, *args, **kwargs):
        """Run as the program (the ``gridmap`` script, ``python -m gridmap.cli.main``; tests call
        :meth:`main` through click's runner instead): when the command is done, leave at once.

        Python's own exit would then free every object and module one by one (geopandas,
        pandas, pyarrow, scipy, folium...): 0.15-0.3 s of CPU after the last file is written,
        for nothing. The exit handlers still run (worker pools, temporary folders, logging)
        and the output is flushed; only that teardown is skipped (``os._exit``).

        The program collects cyclic garbage less often (:func:`gridmap._gc.fewer_collections`).
        """
        from gridmap._gc import fewer_collections

        try:
            with fewer_collections():
                return self.main(*args, **kwargs)
        except SystemExit as exc:
            _leave(exc)
            raise

    def invoke(self, ctx):
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            warnings.simplefilter("default")
            # numpy/pandas internals that say nothing about the user's data
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            warnings.filterwarnings("ignore", category=FutureWarning)
            warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
            warnings.filterwarnings("ignore", message=".*invalid value encountered.*", category=RuntimeWarning)
            return self._invoke(ctx)

    def _invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except GridmapError as exc:
            # "gridmap: error: " stays as it is for scripts that look for it; the words are in the
            # command's language (--lang, else GRIDMAP_LANG or the locale) when the vocabulary has
            # them (errors made with GridmapError.of), else as written
            click.echo(f"gridmap: error: {one_line(exc.text(_lang(ctx)))}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except click.UsageError as exc:
            # click's three-line usage block, on one line like every other refusal, in the command's language
            command = exc.ctx.command_path.split(" ", 1)[-1] if exc.ctx else ""
            hint = i18n.text("cli.see_help", _lang(exc.ctx or ctx), command=command) if (
                command and exc.ctx.command is not self) else ""
            click.echo(f"gridmap: error: {one_line(worded(exc))}{hint}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except OSError as exc:  # (its words, like a refusal's, in the command's language)
            if exc.errno is None:
                _bug(exc, _lang(ctx))
            click.echo(f"gridmap: error: {os_error_message(exc, _lang(ctx))}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except MemoryError:
            click.echo(f"gridmap: error: {i18n.text('error.cli_out_of_memory', _lang(ctx))}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except Exception as exc:  # anything else is gridmap's own fault
            _bug(exc, _lang(ctx))


def _lang(ctx) -> str:
    """The command's language: its --lang, else GRIDMAP_LANG or the locale."""
    return chosen_lang(ctx) or i18n.default_lang()


def _leave(exc: SystemExit) -> None:
    """End the process with ``exc``'s exit code after the exit handlers, without the interpreter's
    teardown; returns (the caller raises ``exc``) while another thread that Python would wait
    for is still running."""
    import atexit
    import threading

    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        return
    code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):  # sys.exit("message"): said on stderr, exit code 1
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more to say
            pass
    os._exit(code & 0xFF)


def _bug(exc: BaseException, lang: str = "en"):
    """``gridmap: internal error`` (as it is, for scripts), then what failed and where to report it in ``lang``."""
    if os.environ.get("GRIDMAP_DEBUG"):
        raise exc
    words = i18n.text("cli.internal_error", lang, kind=type(exc).__name__, message=one_line(exc)[:300])
    click.echo(f"gridmap: internal error{words}", err=True)
    sys.exit(EXIT_BUG)


@click.group(cls=GridmapGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="gridmap")
def cli():
    """gridmap: partition a county into service grids, staff them, measure their reach and map them.

    Its ``--help`` (zh and en) is ``help.gridmap`` in :mod:`gridmap.i18n`.
    """


#: One module per command in gridmap/cli/, each defining a click command named ``command``;
#: every one is registered (a missing module is an error, not a command silently left out).
COMMANDS = ("partition", "staff", "reach", "map", "validate", "report", "run", "batch", "export", "presets", "edit",
            "update", "adjust", "compare", "micro", "dedicated")


def _register():
    import importlib

    from gridmap.cli.options import verbosity_options

    for name in COMMANDS:
        module = importlib.import_module(f"gridmap.cli.{name}_cmd")
        # -v/--verbose and -q/--quiet on every command, spelled the same everywhere
        cli.add_command(verbosity_options(module.command), name=name)


_register()


if __name__ == "__main__":
    cli()
