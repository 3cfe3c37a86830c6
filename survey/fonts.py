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
