"""A minimal XLSX (Office Open XML spreadsheet) writer: sheets of plain cells, a bold frozen header row.

What :func:`gridmap.tables.write_xlsx` needs and no more: text (shared strings), numbers,
booleans and empty cells; the first row bold and frozen; column widths. openpyxl took
3.4 CPU s for the 100,000-atom synthetic county's three sheets (18,000 rows, 256,000
cells; most of it in its XML serialiser, lxml not being installed); this writes the
same cells in a fraction of that. The file is a zip of the parts Excel, LibreOffice, WPS
and openpyxl read (content types, relationships, workbook, styles, shared strings, one
part per sheet), with fixed timestamps: the same tables give the same bytes.
"""
from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path

from gridmap._atomic import atomic_path

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
#: Characters XML 1.0 cannot hold (control characters other than tab, newline, carriage return).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _text(value: str) -> str:
    value = _ILLEGAL.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _column_letter(k: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while k:
        k, r = divmod(k - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _sheet_xml(rows, widths, strings: dict) -> str:
    """One worksheet part: ``rows`` lists of cell values (None, bool, int, float, str), the first
    row bold and frozen; ``widths`` per column (characters)."""
    letters = [_column_letter(k + 1) for k in range(max((len(r) for r in rows), default=0))]
    out = [_HEAD, f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">',
           '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
           'state="frozen"/><selection pane="bottomLeft" activeCell="A1" sqref="A1"/></sheetView></sheetViews>',
           '<sheetFormatPr defaultRowHeight="15"/>']
    if widths:
        out.append("<cols>" + "".join(f'<col min="{k}" max="{k}" width="{w!r}" customWidth="1"/>'
                                      for k, w in enumerate(widths, start=1)) + "</cols>")
    out.append("<sheetData>")
    for number, row in enumerate(rows, start=1):
        style = ' s="1"' if number == 1 else ""
        cells = []
        for letter, value in zip(letters, row):
            if value is None:
                continue
            if isinstance(value, bool):
                cells.append(f'<c r="{letter}{number}"{style} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, (int, float)):
                if isinstance(value, float):
                    if not math.isfinite(value):
                        continue  # a spreadsheet has no NaN or infinity: an empty cell
                    if value.is_integer() and abs(value) < 1e15:
                        value = int(value)  # 452, as openpyxl wrote it, not 452.0 (the same number to Excel)
                cells.append(f'<c r="{letter}{number}"{style} t="n"><v>{value!r}</v></c>')
            else:
                value = str(value)
                if not value:
                    continue  # an empty text is an empty cell
                index = strings.setdefault(value, len(strings))
                cells.append(f'<c r="{letter}{number}"{style} t="s"><v>{index}</v></c>')
        out.append(f'<row r="{number}">{"".join(cells)}</row>')
    out.append('</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
               "</worksheet>")
    return "".join(out)


_STYLES = (_HEAD + f'<styleSheet xmlns="{_MAIN}">'
           '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
           '<font><b val="1"/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
           '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
           '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
           "</styleSheet>")


def write_workbook(sheets: list, path) -> Path:
    """Write ``sheets`` [(name, rows, widths)] as one XLSX file at ``path``, atomically.

    ``name``: at most 31 characters, none of ``[]:*?/\\``; ``rows``: lists of cell values
    (None, bool, int, float, str), the first the header (bold, frozen); ``widths``: column
    widths in characters.
    """
    strings: dict[str, int] = {}
    parts = {f"xl/worksheets/sheet{k}.xml": _sheet_xml(rows, widths, strings)
             for k, (_, rows, widths) in enumerate(sheets, start=1)}
    n = len(sheets)
    shared = (_HEAD + f'<sst xmlns="{_MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">'
              + "".join(f'<si><t xml:space="preserve">{_text(s)}</t></si>' for s in strings) + "</sst>")
    workbook = (_HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews><sheets>'
                + "".join(f'<sheet name="{_text(name)}" sheetId="{k}" r:id="rId{k}"/>'
                          for k, (name, _, _) in enumerate(sheets, start=1))
                + "</sheets></workbook>")
    workbook_rels = (_HEAD + f'<Relationships xmlns="{_PKG}">'
                     + "".join(f'<Relationship Id="rId{k}" Type="{_REL}/worksheet" Target="worksheets/sheet{k}.xml"/>'
                               for k in range(1, n + 1))
                     + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
                     + f'<Relationship Id="rId{n + 2}" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
                     + "</Relationships>")
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    types = (_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             f'<Override PartName="/xl/workbook.xml" ContentType="{sheet_type}.sheet.main+xml"/>'
             + "".join(f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="{sheet_type}.worksheet+xml"/>'
                       for k in range(1, n + 1))
             + f'<Override PartName="/xl/styles.xml" ContentType="{sheet_type}.styles+xml"/>'
             f'<Override PartName="/xl/sharedStrings.xml" ContentType="{sheet_type}.sharedStrings+xml"/>'
             "</Types>")
    root_rels = (_HEAD + f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
                 f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    files = {"[Content_Types].xml": types, "_rels/.rels": root_rels, "xl/workbook.xml": workbook,
             "xl/_rels/workbook.xml.rels": workbook_rels, "xl/styles.xml": _STYLES, **parts,
             "xl/sharedStrings.xml": shared}
    path = Path(path)
    with atomic_path(path) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as book:
            for name, text in files.items():
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # no clock: same tables, same bytes
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                book.writestr(info, text.encode("utf-8"), compresslevel=6)
    return path
