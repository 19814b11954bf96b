"""Spreadsheet exports (CSV and XLSX) of any list of rows: the staff workbench, the funds' and
awards' reconciliation, the public figures.

An export declares its columns once, each as (key, label, kind)::

    AWARDS = Export([
        Column("reference", gettext_lazy("Reference"), TEXT, width=16),
        Column("granted", gettext_lazy("Granted"), MONEY),
    ], sheet=gettext_lazy("Awards"))
    AWARDS.response("xlsx", rows, "awards-20261207")

and every row (a dict, or any object: keys may be dotted, "proposal.title") is read by those
keys, so a column can be added, moved or removed in one place and never be read from the wrong
position. A key a row does not have fails at once, in the view, before anything is sent.

The kind says how a value is written: money to the fen (core.money.round_money) as text in
the CSV and as a number formatted #,##0.00 in the XLSX; dates and times in Beijing time, as
spreadsheets have no time zones; text defused, so that what applicants type never runs as a
formula. Rows are read lazily, so a CSV streams whatever its length. openpyxl is loaded only
for an XLSX.
"""

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, islice
from operator import attrgetter

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from core.money import round_money

TEXT = "text"
MONEY = "money"  # Decimal yuan
NUMBER = "number"  # a count, a score, a year
PERCENT = "percent"  # percentage points: 12.5 is 12.5 %
DATE = "date"
DATETIME = "datetime"
KINDS = (TEXT, MONEY, NUMBER, PERCENT, DATE, DATETIME)
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"


def defused(text):
    """Text a spreadsheet will not run as a formula (applicants write the titles)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # or a lazy translation, read when the file is made
    kind: str = TEXT
    width: float | None = None  # in the XLSX, in characters; None leaves the default

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"column {self.key!r}: kind must be one of {KINDS}, not {self.kind!r}")


def _local(value):
    """A time as Beijing shows it, without a zone (Excel refuses zones); a date as it is."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value, timezone.get_default_timezone()).replace(tzinfo=None)
    return value


def _csv_text(value, kind):
    if value is None:
        return ""
    if kind == MONEY:
        return f"{round_money(value):f}"
    if kind == DATE:
        return _local(value).strftime("%Y-%m-%d")
    if kind == DATETIME:
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if kind == TEXT:
        return defused(str(value))
    return str(value)


class _Echo:
    """A file-like object that hands back what the csv writer writes, to stream it."""

    def write(self, value):
        return value


class _Started:
    """A stream whose first piece is made now (so a wrong key fails in the view) and which the
    response closes when it is done with it (Django calls `close()`): a half-read export then
    closes its database cursor at once instead of whenever the garbage collector gets to it."""

    def __init__(self, stream):
        self.stream = stream
        self.first = next(stream)

    def __iter__(self):
        yield self.first
        yield from self.stream

    def close(self):
        self.stream.close()


class Export:
    """Columns declared once; the CSV and the XLSX of rows read by the columns' keys."""

    def __init__(self, columns, sheet=""):
        self.columns = list(columns)
        keys = [column.key for column in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"an export's keys must differ: {keys}")
        self.sheet = sheet
        self._getters = [(column, self._getter(column.key)) for column in self.columns]

    @staticmethod
    def _getter(key):
        by_attribute = attrgetter(key)

        def read(row):
            if isinstance(row, dict):
                try:
                    return row[key]
                except KeyError:
                    raise KeyError(f"an export row has no {key!r}; it has {sorted(row)}") from None
            return by_attribute(row)

        return read

    def header(self):
        return [str(column.label) for column in self.columns]

    def _cells(self, row):
        """(kind, value) of each column of the row, in the columns' order."""
        return [(column.kind, read(row)) for column, read in self._getters]

    def _read(self, rows):
        """The rows' values; the first row is read now, so that a wrong key fails in the
        view, not halfway through a streamed file."""
        rows = iter(rows)
        first = [self._cells(row) for row in islice(rows, 1)]
        return chain(first, map(self._cells, rows))

    # -- CSV -------------------------------------------------------------------------------
    def csv_rows(self, rows):
        """The header and then each row as the CSV's texts."""
        values = self._read(rows)
        yield [defused(label) for label in self.header()]
        for row in values:
            yield [_csv_text(value, kind) for kind, value in row]

    def _csv_stream(self, rows):
        writer = csv.writer(_Echo())
        lines = self.csv_rows(rows)
        # The byte order mark tells Excel the file is UTF-8; without it Chinese turns to mojibake.
        yield "\ufeff" + writer.writerow(next(lines))
        while batch := [writer.writerow(line) for line in islice(lines, 500)]:
            yield "".join(batch)

    def csv_response(self, rows, filename, streaming=True):
        """The CSV as an attachment; `filename` is ASCII, without ".csv". A short table (a
        figure's) may be sent whole (`streaming=False`)."""
        stream = self._csv_stream(rows)
        if streaming:
            response = StreamingHttpResponse(_Started(stream), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse("".join(stream), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response

    # -- XLSX ------------------------------------------------------------------------------
    def xlsx_response(self, rows, filename):
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        values = self._read(rows)
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(str(self.sheet)[:31] or None)
        for number, column in enumerate(self.columns, start=1):
            if column.width:
                sheet.column_dimensions[get_column_letter(number)].width = column.width
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        heading = []
        for label in self.header():
            cell = WriteOnlyCell(sheet, value=label)
            cell.font = bold
            heading.append(cell)
        sheet.append(heading)

        def cell(kind, value):
            # Plain values where possible: a styled cell costs openpyxl several times as much.
            # Dates get a date format by themselves; text loses the control characters XML
            # cannot hold, and text that starts with "=" is forced to be text, never a formula.
            if value is None:
                return None
            if kind == MONEY:
                styled = WriteOnlyCell(sheet, value=round_money(value))
                styled.number_format = MONEY_FORMAT
                return styled
            if kind in (DATE, DATETIME):
                return _local(value)
            if kind == TEXT or isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
                if value.startswith("="):
                    value = WriteOnlyCell(sheet, value=value)
                    value.data_type = "s"
            return value

        for row in values:
            sheet.append([cell(kind, value) for kind, value in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response

    def response(self, format, rows, filename):
        """The export in `format` ("csv" or "xlsx"; the view answers 404 to anything else)."""
        if format == "csv":
            return self.csv_response(rows, filename)
        if format == "xlsx":
            return self.xlsx_response(rows, filename)
        raise ValueError(f"no export format {format!r}: {FORMATS}")
