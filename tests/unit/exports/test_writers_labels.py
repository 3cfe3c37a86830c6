"""Labels cut to what SPSS holds (256 bytes of UTF-8) without breaking a Danish letter."""

from survey.exports.writers import _sav_label


def test_a_long_label_is_cut_before_a_letter_that_would_not_fit():
    # "a" is 1 byte and "ø" 2: after 127 ø, 255 bytes are used, and the next ø would need
    # bytes 256 and 257, so the label ends there instead of with half a letter.
    assert _sav_label("a" + "ø" * 200) == "a" + "ø" * 127
    assert _sav_label("ø" * 200) == "ø" * 128  # exactly 256 bytes
    assert _sav_label("Trivsel") == "Trivsel"
