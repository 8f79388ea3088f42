"""Text encodings of input files: UTF-8, or GB18030 (a superset of GBK and GB2312).

Chinese GIS offices still exchange Shapefiles written in GBK without a ``.cpg`` file
saying so; GDAL then reads their names as Latin-1 (``ÁùºÏ´å`` for 六合村). The bytes
tell the two apart: Chinese text in GBK is almost never valid UTF-8, so text that
decodes as UTF-8 is UTF-8 and anything else that decodes as GB18030 is GB18030.
"""
from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

from gridmap.errors import InputError

#: Names accepted for ``--encoding`` (any name Python knows also works).
KNOWN = ("utf-8", "gb18030", "gbk", "gb2312")


def check_name(encoding: str, what: str) -> str:
    """The codec name of ``encoding``, or a one-line error naming the option."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InputError.of("in_unknown_encoding", what=what, encoding=encoding, known=", ".join(KNOWN)) from None


def detect(data: bytes) -> str:
    """``"utf-8"`` when ``data`` decodes as UTF-8 (a BOM allowed), else ``"gb18030"`` when it decodes as that.

    Raises :class:`ValueError` when it is neither.
    """
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        raise ValueError("neither UTF-8 nor GB18030/GBK") from None


def _dbf_records(data: bytes) -> bytes:
    """The record bytes of a dBase file (the header holds field names, ASCII in practice)."""
    if len(data) < 32:
        return data
    header = int.from_bytes(data[8:10], "little")
    return data[header:]


def shapefile_encoding(path) -> tuple[str | None, str]:
    """The encoding of a Shapefile's attributes, and how it was found.

    Returns ``(encoding, how)``: ``(None, "cpg")`` when a ``.cpg`` file says it (GDAL
    reads it), else the encoding detected from the ``.dbf`` bytes (``"detected"``).
    ``path`` is the ``.shp`` or a ``.zip`` holding one Shapefile.
    """
    path = Path(path)
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            if any(n.lower().endswith(".cpg") for n in names):
                return None, "cpg"
            dbf = [n for n in names if n.lower().endswith(".dbf")]
            if not dbf:
                return None, "no dbf"
            data = z.read(dbf[0])
    else:
        stem = path.with_suffix("")
        if any(stem.with_suffix(s).exists() for s in (".cpg", ".CPG")):
            return None, "cpg"
        dbf = next((stem.with_suffix(s) for s in (".dbf", ".DBF") if stem.with_suffix(s).exists()), None)
        if dbf is None:
            return None, "no dbf"
        data = dbf.read_bytes()
    try:
        return detect(_dbf_records(data)), "detected"
    except ValueError:
        raise InputError.of("in_dbf_encoding", path=path) from None


def decode_text(data: bytes, what: str, encoding: str | None = None) -> tuple[str, str]:
    """Text of a CSV or TOML file and the encoding used: ``encoding`` when given, else UTF-8 (BOM or not) or GB18030."""
    if encoding:
        name = check_name(encoding, what)
        try:
            return data.decode("utf-8-sig" if name == "utf-8" else name), name
        except UnicodeDecodeError as exc:
            raise InputError.of("in_not_valid_encoding", what=what, name=name, byte=exc.start) from None
    try:
        found = detect(data)
    except ValueError:
        raise InputError.of("in_unknown_text_encoding", what=what) from None
    return data.decode("utf-8-sig" if found == "utf-8" else found), found
