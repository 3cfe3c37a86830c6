"""The Excel writer without a database: what each sheet's cells hold, read from the file's XML."""

import re
import zipfile
from xml.sax.saxutils import escape

from survey.exports.dataset import Kind, Variable
from survey.exports.writers import write_xlsx
from survey.instruments.model import Point, Scale

AGREE = Scale(
    "agree2",
    (Point(1, {"da": "Uenig", "en": "Disagree"}), Point(2, {"da": "Enig", "en": "Agree"})),
)
FORMULA = '=HYPERLINK("http://x.example","klik")'


def cells(path, sheet: int) -> list[list[tuple[str, str]]]:
    """Return each row's cells as (type, text) from the sheet's XML, as Excel reads them."""
    xml = zipfile.ZipFile(path).read(f"xl/worksheets/sheet{sheet}.xml").decode()
    cell = r'<c [^>]*t="(\w+)"[^>]*>(?:<is><t>|<v>)(.*?)(?:</t></is>|</v>)</c>'
    return [re.findall(cell, row) for row in re.findall(r"<row[^>]*>(.*?)</row>", xml)]


def test_codebook_sheet_holds_each_variables_label_and_value_labels(tmp_path):
    path = tmp_path / "x.xlsx"
    variables = [
        Variable("tr_01", "Jeg er glad", None, Kind.ITEM, scale=AGREE),
        Variable("trivsel", FORMULA, None, Kind.SCORE),
    ]
    rows = [{"tr_01": 2, "trivsel": 1.5}]
    assert write_xlsx(path, ["tr_01", "trivsel"], rows, variables, "da") == 1
    codebook = cells(path, 2)
    assert codebook[0] == [
        ("inlineStr", "variable"),
        ("inlineStr", "label"),
        ("inlineStr", "values"),
    ]
    assert codebook[1] == [
        ("inlineStr", "tr_01"),
        ("inlineStr", "Jeg er glad"),
        ("inlineStr", "-3 = Ikke vist; -2 = Ved ikke; -1 = Vil ikke svare; 1 = Uenig; 2 = Enig"),
    ]
    # A label that looks like a formula stays text; a score has no value labels.
    assert codebook[2][:2] == [
        ("inlineStr", "trivsel"),
        ("inlineStr", escape(FORMULA)),
    ]
    assert codebook[2][2:] == []


def test_data_sheet_keeps_numbers_as_numbers_and_formula_text_as_text(tmp_path):
    path = tmp_path / "x.xlsx"
    rows = [{"site": FORMULA, "tr_01": 2}, {"site": "Lyngbo", "tr_01": -1}]
    assert write_xlsx(path, ["site", "tr_01"], rows, [], "en") == 2
    data = cells(path, 1)
    assert data[1] == [("inlineStr", escape(FORMULA)), ("n", "2")]
    assert data[2] == [("inlineStr", "Lyngbo"), ("n", "-1")]
