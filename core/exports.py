"""Spreadsheet exports (CSV and XLSX) of any list of rows: the staff workbench, the funds' and
awards' reconciliation. Rows are read lazily, so a CSV streams whatever its length."""

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl.utils import get_column_letter


def _defused(value):
    """A text cell a spreadsheet will not run as a formula (applicants write the titles)."""

    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class _Echo:
    """A file-like object that hands back what the csv writer writes, to stream it."""

    def write(self, value):
        return value


def _csv_stream(header, rows):
    writer = csv.writer(_Echo())
    # The byte order mark tells Excel the file is UTF-8; without it Chinese turns to mojibake.
    yield "\ufeff" + writer.writerow(header)
    batch = []
    for row in rows:
        batch.append(writer.writerow([
            "" if value is None else value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime")
            else _defused(value) for value in row]))
        if len(batch) == 500:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def csv_response(header, rows, filename):
    response = StreamingHttpResponse(_csv_stream(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(header, rows, filename, sheet_title, money_columns=(), widths=()):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(sheet_title)[:31])
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    heading = []
    for label in header:
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    for row in rows:
        # Plain values where possible: a styled cell costs openpyxl several times as much.
        # Dates get a date format by themselves; amounts get thousands separators; text loses
        # the control characters XML cannot hold, and text that starts with "=" is forced to
        # be text, never a formula.
        cells = list(row)
        for index, value in enumerate(cells):
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
                if value.startswith("="):
                    value = WriteOnlyCell(sheet, value=value)
                    value.data_type = "s"
                cells[index] = value
        for index in money_columns:
            if cells[index] is not None:
                cells[index] = WriteOnlyCell(sheet, value=cells[index])
                cells[index].number_format = "#,##0.00"
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
