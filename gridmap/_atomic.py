"""Atomic writes: a file appears complete under its name, or not at all."""
from __future__ import annotations

import errno
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: str | Path):
    """Yield a temporary path beside ``path`` (same suffix, not yet created); when the block
    succeeds it is renamed over ``path``, when it fails it is removed.

    Files are readable by others (0644 under the usual umask), like any other output.
    A writer that fails on a full disk without saying so (GDAL) raises
    ``OSError(ENOSPC)`` naming ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # writers such as GDAL want to create the file themselves
    try:
        try:
            yield Path(tmp)
        except OSError:
            raise
        except Exception as exc:
            # GDAL (pyogrio) and other writers report a full disk in their own words
            # ("Failed to commit transaction"): tell it as the file system error it is.
            if _disk_full(path.parent):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path)) from exc
            raise
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


#: Free space (bytes) under which a failed write is taken for a full disk.
DISK_FULL_BYTES = 1 << 20


def _disk_full(directory: Path) -> bool:
    try:
        stat = os.statvfs(directory)
    except OSError:
        return False
    return stat.f_bavail * stat.f_frsize < DISK_FULL_BYTES


@contextmanager
def unsynced_sqlite():
    """GDAL writes SQLite files (GeoPackages) without an fsync at each of its transactions.

    A GeoPackage is written to a temporary file and renamed into place only when complete
    (:func:`atomic_path`), so a crash midway leaves no file under its name either way; the
    fsyncs (one per transaction, about a dozen per layer) made the demo's ``plan.gpkg``
    take 1.1 s of wall time for 0.4 s of CPU. The other outputs are not synced either.
    The setting is GDAL's, process-wide (``OGR_SQLITE_SYNCHRONOUS``); it is put back after.
    """
    import pyogrio

    before = pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS")
    pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": "OFF"})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": before})


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    return write_bytes(path, text.encode("utf-8"))
