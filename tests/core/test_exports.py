"""An export declares its columns once, as (key, label, kind); the CSV and the XLSX both come
from that declaration, read each row by key, and fail at once on a key a row does not have."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from core.exports import DATE, DATETIME, MONEY, NUMBER, TEXT, Column, Export

D = Decimal
EXPORT = Export([
    Column("reference", "Reference", TEXT, width=16),
    Column("title", "Title", TEXT, width=40),
    Column("amount", "Amount", MONEY, width=14),
    Column("reviews", "Reviews", NUMBER),
    Column("due", "Due", DATE),
    Column("submitted", "Submitted", DATETIME),
], sheet="Proposals")
ROW = {"reference": "NA-2026-0001", "title": "=HYPERLINK(\"http://evil.example\")", "amount": D("1250000.5"),
       "reviews": 3, "due": date(2026, 6, 30), "submitted": datetime(2026, 3, 1, 15, 30, tzinfo=UTC)}


def read_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def read_xlsx(response):
    return load_workbook(io.BytesIO(response.content)).active


def test_one_declaration_gives_the_csv():
    response = EXPORT.csv_response([ROW, {**ROW, "amount": None, "due": None}], "proposals")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="proposals.csv"'
    assert read_csv(response) == [
        ["Reference", "Title", "Amount", "Reviews", "Due", "Submitted"],
        ["NA-2026-0001", "'=HYPERLINK(\"http://evil.example\")", "1250000.50", "3", "2026-06-30",
         "2026-03-01 23:30"],  # Beijing time
        ["NA-2026-0001", "'=HYPERLINK(\"http://evil.example\")", "", "3", "", "2026-03-01 23:30"],
    ]


def test_one_declaration_gives_the_xlsx_with_money_as_money():
    response = EXPORT.xlsx_response([ROW], "proposals")
    assert response["Content-Disposition"] == 'attachment; filename="proposals.xlsx"'
    sheet = read_xlsx(response)
    assert sheet.title == "Proposals"
    assert [cell.value for cell in sheet[1]] == ["Reference", "Title", "Amount", "Reviews", "Due", "Submitted"]
    reference, title, amount, reviews, due, submitted = sheet[2]
    assert title.data_type == "s" and title.value.startswith("=HYPERLINK")  # text, never a formula
    assert amount.value == 1250000.5 and amount.number_format == "#,##0.00"
    assert reviews.value == 3
    assert due.value == datetime(2026, 6, 30)
    assert submitted.value == datetime(2026, 3, 1, 23, 30)
    assert sheet.column_dimensions["B"].width == 40


def test_money_is_written_to_the_fen_half_up():
    rows = [{"reference": "", "title": "", "amount": D("0.125"), "reviews": 0, "due": None, "submitted": None}]
    assert read_csv(EXPORT.csv_response(rows, "f"))[1][2] == "0.13"
    assert read_xlsx(EXPORT.xlsx_response(rows, "f"))["C2"].value == 0.13


def test_rows_may_be_objects_read_by_dotted_keys():
    export = Export([Column("reference", "Ref"), Column("proposal.title", "Title"), Column("granted", "Granted", MONEY)])
    award = SimpleNamespace(reference="NA-2026-0002", proposal=SimpleNamespace(title="银龄互助"), granted=D("90000"))
    assert read_csv(export.csv_response([award], "f")) == [["Ref", "Title", "Granted"],
                                                          ["NA-2026-0002", "银龄互助", "90000.00"]]


def test_columns_are_found_by_key_so_moving_one_moves_its_values():
    moved = Export([Column("amount", "Amount", MONEY), Column("reference", "Reference")])
    assert read_csv(moved.csv_response([ROW], "f")) == [["Amount", "Reference"], ["1250000.50", "NA-2026-0001"]]


def test_a_key_a_row_does_not_have_fails_in_the_view_before_anything_is_sent():
    export = Export([Column("reference", "Reference"), Column("amout", "Amount", MONEY)])
    with pytest.raises(KeyError, match="amout"):
        export.csv_response([ROW], "f")
    with pytest.raises(KeyError, match="amout"):
        export.xlsx_response([ROW], "f")
    with pytest.raises(AttributeError, match="amout"):
        export.csv_response([SimpleNamespace(**ROW)], "f")


def test_a_declaration_with_a_repeated_key_or_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="differ"):
        Export([Column("amount", "Amount", MONEY), Column("amount", "Again", MONEY)])
    with pytest.raises(ValueError, match="kind"):
        Column("amount", "Amount", "currency")


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError):
        EXPORT.response("pdf", [ROW], "f")


def test_a_short_table_may_be_sent_whole():
    response = EXPORT.csv_response([ROW], "f", streaming=False)
    assert response.content.decode("utf-8").startswith("\ufeffReference,Title,Amount")
