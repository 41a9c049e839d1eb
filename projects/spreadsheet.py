"""CSV files that spreadsheets open safely and correctly: text that could run as a formula is
escaped, numbers stay numbers, the file is UTF-8 with a byte-order mark, and its download name
is plain ASCII. docs/exports.md says why each of these.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from datetime import date

from django.utils.text import slugify

# A cell of text starting with one of these is read as a formula by Excel, LibreOffice or Google
# Sheets (OWASP, "CSV Injection"): `=` and `@` start one, `+` and `-` too, and a leading tab or
# carriage return can hide the character after it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel reads a CSV file without a byte-order mark in the computer's legacy code page, which
# mangles "€", "£" and accented names; with it, Excel, LibreOffice, Numbers, Google Sheets and
# pandas all read UTF-8.
BOM = "\ufeff"
# The longest a name may make a download's file name, before its suffix.
MAX_NAME_IN_FILENAME = 60

Cell = str | int | float | bool | None


def safe_cell(value: Cell) -> str | int | float:
    """A cell as the CSV file holds it. Numbers (int and float) are written as numbers, so a
    negative number stays a negative number; text whose first character, or first after
    spaces, could start a formula gets a leading apostrophe, which spreadsheets show as text
    and do not run. Missing and non-finite numbers are empty cells; yes/no for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value if math.isfinite(value) else ""
    text = str(value)
    if text.startswith(FORMULA_STARTS) or text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """The CSV file, byte-order mark first, lines ending in CRLF (RFC 4180); every cell,
    header included, through safe_cell."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def filename(name: str, what: str, suffix: str, day: date | None = None) -> str:
    """A download's file name in plain ASCII letters, digits and hyphens, safe in a
    Content-Disposition header and on every file system: "fraud-alerts-history.csv",
    "payments-portfolio-2026-12-01.csv". A name with no ASCII letter falls back to `what`."""
    stem = slugify(name)[:MAX_NAME_IN_FILENAME].strip("-")
    parts = [part for part in (stem, what, day.isoformat() if day else "") if part]
    return "-".join(parts) + "." + suffix


def content_disposition(name: str) -> str:
    """The header that makes a browser save the response as `name` (a `filename` result)."""
    return f'attachment; filename="{name}"'
