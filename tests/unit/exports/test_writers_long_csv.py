"""The long CSV, written a submission and a kind of answer at a time, read back by Python's
csv reader: every cell as it would be written one row at a time."""

import csv
import io
from datetime import date

from survey.exports.writers import long_csv_chunks
from tests.integration.exports.expected import LONG_COLUMNS, SUBMISSION_COLUMNS


def submission(research_id: str, site: str) -> dict[str, object]:
    values = [research_id, site, "baseline", "child", "6-9", None, "faces", 3, "da"]
    values += ["autumn", None, date(2026, 3, 1), None, "in_progress"]
    return dict(zip(SUBMISSION_COLUMNS, values, strict=True))


def test_every_row_reads_back_with_its_submission_and_answer_cells():
    tricky = submission("r-1", 'Ask, "the old house"\r\nby the sea')
    formula = submission("r-2", "\r1+1")  # a formula start, and a line end unless quoted
    agree = ("child_wellbeing", 2, "cw_01", "faces3", 3, None, 5, None)
    refused = ("child_wellbeing", 2, "cw_02", "faces3", -2, "refused", -2, -2.5)
    empty = (None,) * 8
    rows = [(tricky, agree), (tricky, refused), (formula, agree), (formula, refused)]
    rows += [(submission("r-3", "Birken"), empty)]

    text = "".join(long_csv_chunks(iter(rows)))

    assert text.startswith("\ufeff") and text.endswith("\r\n")
    read = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert read[0] == LONG_COLUMNS
    expected_site = ['Ask, "the old house"\r\nby the sea'] * 2 + ["'\r1+1"] * 2 + ["Birken"]
    assert [row[1] for row in read[1:]] == expected_site
    assert read[1][:14] == [
        "r-1",
        'Ask, "the old house"\r\nby the sea',
        "baseline",
        "child",
        "6-9",
        "",
        "faces",
        "3",
        "da",
        "autumn",
        "",
        "2026-03-01",
        "",
        "in_progress",
    ]
    assert read[2][14:] == [
        "child_wellbeing",
        "2",
        "cw_02",
        "faces3",
        "-2",
        "refused",
        "-2",
        "-2.5",
    ]
    assert read[3][14:] == ["child_wellbeing", "2", "cw_01", "faces3", "3", "", "5", ""]
    assert read[5][14:] == [""] * 8
    assert text.count("\r\n") == 6 + 2  # the header, five rows, and the name's line break twice


def test_a_long_file_comes_in_pieces_of_a_thousand_rows():
    row = (submission("r-1", "Ask"), ("staff_wellbeing", 1, "sw_01", "degree5", 4, None, 4, None))
    chunks = list(long_csv_chunks(iter([row] * 2500)))
    assert [chunk.count("\r\n") for chunk in chunks] == [1000, 1000, 501]
