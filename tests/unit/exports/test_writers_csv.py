"""The wide CSV writer's pieces: a thousand rows at a time, and nothing lost or repeated
where one piece ends and the next begins."""

from survey.exports.writers import csv_chunks


def test_a_wide_file_comes_in_pieces_of_a_thousand_rows_that_join_up():
    rows = ({"id": f"r-{number}", "value": number % 7} for number in range(1, 2501))

    chunks = list(csv_chunks(["id", "value"], rows))

    # The header travels with the first thousand rows; 2,500 rows make three pieces.
    assert [chunk.count("\r\n") for chunk in chunks] == [1001, 1000, 500]
    assert chunks[0].startswith("\ufeffid,value\r\nr-1,1\r\n")
    assert chunks[1].startswith("r-1001,0\r\n") and chunks[2].startswith("r-2001,6\r\n")
    lines = "".join(chunks).removeprefix("\ufeff").split("\r\n")
    expected = [f"r-{number},{number % 7}" for number in range(1, 2501)]
    assert lines == ["id,value", *expected, ""]
