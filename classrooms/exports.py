"""CSV files that open cleanly in a spreadsheet: UTF-8 with a byte-order mark (Excel otherwise
reads Latin-1), CRLF line ends (the csv module's), and no cell a spreadsheet would run as a
formula (OWASP "CSV injection"): text starting with = + - @ (or a tab or carriage return) gets a
leading apostrophe."""

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(header: list[str], rows: Iterable[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([cell(value) for value in header])
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
