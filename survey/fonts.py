"""The Atkinson Hyperlegible font files: registered once for reportlab PDFs, and cut down to
WOFF2 files of the characters Danish and English pages use for the browser."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import fontpkg_atkinson_hyperlegible
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIRECTORY = Path(fontpkg_atkinson_hyperlegible.__file__).resolve().parent / "files"
REGULAR = "Atkinson"
BOLD = "Atkinson-Bold"
#: The characters of the web fonts: printable ASCII and Latin-1 (Danish and English letters,
#: digits, punctuation) and the typographic signs texts use: dashes, quotes, bullet, ellipsis,
#: euro and minus. A test checks that every catalogue and questionnaire text is covered.
WEB_CHARACTERS = frozenset(
    [
        *range(0x20, 0x7F),
        *range(0xA0, 0x100),
        *range(0x2010, 0x2016),
        *range(0x2018, 0x2020),
        *(0x2022, 0x2026, 0x20AC, 0x2212),
    ]
)


@cache
def register_pdf_fonts() -> tuple[str, str]:
    """Embed Atkinson Hyperlegible (regular, bold) in reportlab; return their names."""
    pdfmetrics.registerFont(
        TTFont(REGULAR, str(FONT_DIRECTORY / "AtkinsonHyperlegible-Regular.ttf"))
    )
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIRECTORY / "AtkinsonHyperlegible-Bold.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)
    return REGULAR, BOLD


def printable(text: str) -> str:
    """Return the text without the characters the embedded font cannot draw (emoji, rare
    signs), so that a PDF never shows empty boxes; the rest of the text stays as it is."""
    regular, _bold = register_pdf_fonts()
    glyphs = pdfmetrics.getFont(regular).face.charToGlyph
    kept = "".join(char for char in text if ord(char) in glyphs or char.isspace())
    return kept if kept == text else " ".join(kept.split())


@cache
def web_font(filename: str) -> bytes:
    """Return a font file of the package as WOFF2 with only ``WEB_CHARACTERS`` (KeyError for a
    name the package does not hold); made once per process."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    source = FONT_DIRECTORY / f"{Path(filename).stem}.ttf"
    if Path(filename).suffix != ".woff2" or not source.is_file():
        raise KeyError(filename)
    font = TTFont(source)
    # Without hinting instructions (a third of the file): browsers draw the large type of
    # these pages well without them.
    subsetter = subset.Subsetter(subset.Options(flavor="woff2", hinting=False))
    subsetter.populate(unicodes=WEB_CHARACTERS)
    subsetter.subset(font)
    output = io.BytesIO()
    font.flavor = "woff2"
    font.save(output)
    return output.getvalue()
