"""Output directories: one command writes into a directory at a time, completely or not at all.

A command that writes files (``partition``, ``run``, ``staff``, ``reach``, ``map``,
``report``, ``validate``) does so through :class:`OutputDir`:

- a lock (``.gridmap.lock``, ``flock``: released by the kernel even on ``kill -9``,
  the file removed when the command ends) while it writes: a second command into the
  same directory is refused in one line;
- temporary files that an interrupted command left behind (``.plan-*.gpkg`` and their
  SQLite ``-journal``, ``.gridmap-staging-*``) are swept once the lock is held;
- every file is first written into a staging directory inside the output directory
  and moved into place only when all of them are complete, so a failure (bad input
  found late, disk full, permission denied) leaves the directory as it was;
- ``manifest.json`` lists what the last command wrote, with the plan's id; a command
  that makes a new plan (``partition``, ``run``) removes the outputs of an earlier one
  that it does not write again (an old map beside a new plan would mislead), and says so.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from gridmap.errors import InputError
from gridmap.i18n import Phrase

LOCK = ".gridmap.lock"
MANIFEST = "manifest.json"
_STAGING = ".gridmap-staging-"

#: Files gridmap writes into an output directory; a new plan makes any of them stale.
KNOWN_OUTPUTS = ("plan.gpkg", "summary.json", "roster.csv", "budget.csv", "faults.gpkg", "map.html", "report.html",
                 "report.pdf", "report.md", "grids.csv", "grids.xlsx")

#: Temporary files of :func:`gridmap._atomic.atomic_path` (``.<stem>-<8 random characters><suffix>``)
#: and the SQLite side files of a GeoPackage being written.
_TEMPORARY = re.compile(r"^\..+-[a-z0-9_]{8}\.(gpkg|json|csv|html|md|png|svg|pdf|xlsx|txt|zip)(-journal|-wal|-shm)?$")


def plan_id(plan) -> str:
    """A fingerprint of a plan's grids (codes, households, geometry): equal plans, equal ids."""
    digest = hashlib.sha256()
    grids = plan.layers.get("grids")
    if grids is None:
        return ""
    for code, households, geometry in zip(grids["grid_id"], grids["households"], grids.geometry.values):
        digest.update(f"{code}|{float(households):.6f}|".encode())
        digest.update(geometry.wkb if geometry is not None else b"")
    return digest.hexdigest()[:16]


class OutputDir:
    """Write one command's outputs into ``path`` under a lock, staged, then moved into place.

    Parameters
    ----------
    path : the output directory (created when missing; removed again when the command
        fails and it was created for it).
    command : the command's name, recorded in the manifest.
    fresh : the command makes a new plan: outputs of an earlier command that it does not
        write again are removed when it succeeds (listed in :attr:`removed`).

    Use as a context manager; :meth:`file` gives the path to write each output to, and
    leaving the block without an error moves them into place.
    """

    def __init__(self, path, command: str, *, fresh: bool = False):
        self.path = Path(path)
        self.command = command
        self.fresh = fresh
        self.removed: list[str] = []
        self.swept: list[str] = []
        self._names: list[str] = []
        self._lock = None
        self._created = False
        self._staging: Path | None = None
        self.plan_id = ""

    # -- entering: create, lock, sweep, stage
    def __enter__(self) -> "OutputDir":
        if self.path.exists() and not self.path.is_dir():
            raise InputError.of("in_out_is_file", path=self.path)
        self._created = not self.path.exists()
        self.path.mkdir(parents=True, exist_ok=True)
        try:
            self._acquire()
            self._sweep()
            self._staging = Path(tempfile.mkdtemp(prefix=_STAGING, dir=self.path))
        except BaseException:
            self._release()
            self._remove_if_created()
            raise
        return self

    def _acquire(self):
        lock = self.path / LOCK
        while True:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
                os.close(fd)
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise InputError.of("in_out_busy", path=self.path,
                                        holder=holder or Phrase("phrase.in_unknown")) from None
                raise
            # The holder before us unlinks the lock file when it is done: a lock on a file
            # no longer under that name locks nothing, so take the new one.
            try:
                if os.fstat(fd).st_ino == os.stat(lock).st_ino:
                    break
            except FileNotFoundError:
                pass
            os.close(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"gridmap {self.command}, pid {os.getpid()}".encode(), 0)
        self._lock = fd

    def _release(self):
        if self._lock is not None:
            # unlink while still holding the lock, so that nothing is left behind
            (self.path / LOCK).unlink(missing_ok=True)
            os.close(self._lock)
            self._lock = None

    def _sweep(self):
        """Remove what interrupted commands left behind (only ever under the lock)."""
        for entry in self.path.iterdir():
            if entry.name.startswith(_STAGING) and entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
                self.swept.append(entry.name)
            elif _TEMPORARY.match(entry.name) and entry.is_file():
                entry.unlink(missing_ok=True)
                self.swept.append(entry.name)

    # -- writing
    def file(self, name: str) -> Path:
        """Where to write the output ``name`` (a plain file name) during the command."""
        if self._staging is None:
            raise RuntimeError("OutputDir.file() outside its with block")
        if name not in self._names:
            self._names.append(name)
        return self._staging / name

    def final(self, name: str) -> Path:
        """Where the output ``name`` will be once the command succeeds."""
        return self.path / name

    # -- leaving: commit or roll back
    def __exit__(self, kind, value, traceback):
        try:
            if kind is None:
                self._commit()
            elif isinstance(value, OSError) and value.errno and self._staging is not None \
                    and str(value.filename or "").startswith(str(self._staging)):
                # name the output the user asked for, not the staging file
                final = self.path / Path(value.filename).relative_to(self._staging)
                raise OSError(value.errno, value.strerror, str(final)) from value
        finally:
            if self._staging is not None:
                shutil.rmtree(self._staging, ignore_errors=True)
            self._release()
            if kind is not None:
                self._remove_if_created()
        return False

    def _commit(self):
        staged = [n for n in self._names if (self._staging / n).exists()]
        # extra files a writer put beside its output (e.g. a Markdown report's plots)
        staged += sorted(p.name for p in self._staging.iterdir() if p.name not in staged)
        previous = self._read_manifest()
        if self.fresh:
            stale = (set(previous.get("files", {})) | set(KNOWN_OUTPUTS)) - set(staged) - {MANIFEST}
            self.removed = sorted(n for n in stale if (self.path / n).is_file())
            files = {}
        else:
            files = dict(previous.get("files", {}))
        for name in staged:
            size = (self._staging / name).stat().st_size
            files[name] = {"bytes": size, "command": self.command, "plan_id": self.plan_id}
        manifest = {"command": self.command, "plan_id": self.plan_id or previous.get("plan_id", ""),
                    "written": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "files": files, "removed": self.removed}
        (self._staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        # Everything is complete in the staging directory; renames within one file system
        # need no space and cannot be half done.
        for name in staged:
            os.replace(self._staging / name, self.path / name)
        for name in self.removed:
            (self.path / name).unlink(missing_ok=True)
        os.replace(self._staging / MANIFEST, self.path / MANIFEST)

    def _read_manifest(self) -> dict:
        try:
            data = json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) and isinstance(data.get("files", {}), dict) else {}

    def _remove_if_created(self):
        """A directory made for a failed command goes again (nothing was written)."""
        if not self._created:
            return
        if self.path.exists() and not any(self.path.iterdir()):
            try:
                self.path.rmdir()
            except OSError:
                pass
