"""The Atkinson Hyperlegible font files, registered once for reportlab PDFs."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import fontpkg_atkinson_hyperlegible
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIRECTORY = Path(fontpkg_atkinson_hyperlegible.__file__).resolve().parent / "files"
REGULAR = "Atkinson"
BOLD = "Atkinson-Bold"


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
