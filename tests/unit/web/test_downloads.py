"""Download file names: plain letters, Danish letters spelt out, nothing lost to a collision."""

import pytest

from survey.web.downloads import safe_filename


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("Døgninstitutionen Egebakken",), "Doegninstitutionen-Egebakken"),
        (("Hus Æ",), "Hus-Ae"),
        (("Hus Ø",), "Hus-Oe"),
        (("Åens hus",), "Aaens-hus"),
        (("Café 🌳 Lys",), "Cafe-Lys"),
        (("7", "Birken"), "7_Birken"),
        (("🌳",), "export"),
        (("Hus X", "rund 2."), "Hus-X_rund-2"),  # only dashes and dots are cut at the ends
    ],
)
def test_file_names_spell_danish_letters_out_and_drop_other_glyphs(parts, expected):
    assert safe_filename(*parts) == expected
