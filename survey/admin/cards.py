"""Printable code cards: one card per participant, with the code, a QR code and instructions.

Codes exist in clear only at the moment they are issued, so cards are made from the codes
just shown and never from the database. The QR code carries the code in the URL fragment
(after #), which browsers do not send to the server, so it never reaches a server log.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import Color, HexColor, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from survey.fonts import register_pdf_fonts
from survey.models import Group, Site
from survey.participants import IssuedCode
from survey.pseudonyms import format_code

#: Where respondents enter their code; the code card's QR code points here.
RESPOND_PATH = "/respond"
COLUMNS, ROWS = 2, 4
CARD_WIDTH, CARD_HEIGHT = 92 * mm, 64 * mm
MARGIN_X = (A4[0] - COLUMNS * CARD_WIDTH) / 2
MARGIN_Y = (A4[1] - ROWS * CARD_HEIGHT) / 2
CHILD_BACKGROUND = HexColor("#fff4d6")
CHILD_BORDER = HexColor("#0b5394")
CUT_LINE = Color(0.6, 0.6, 0.6)


def respond_url(base_url: str, code: str) -> str:
    """Return the answer page's address with the code in the fragment."""
    return f"{base_url.rstrip('/')}{RESPOND_PATH}#code={code}"


def code_cards_pdf(site: Site, issued: Sequence[IssuedCode], base_url: str) -> bytes:
    """Return a PDF with one card per issued code, eight to an A4 page."""
    regular, bold = register_pdf_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setTitle(_("Code cards – %(site)s", site=site.name))
    canvas.setAuthor(_("Safe everyday life"))
    canvas.setSubject(_("Access codes: keep the cards locked away until they are handed out."))
    per_page = COLUMNS * ROWS
    for index, entry in enumerate(issued):
        if index and index % per_page == 0:
            canvas.showPage()
        slot = index % per_page
        x = MARGIN_X + (slot % COLUMNS) * CARD_WIDTH
        y = A4[1] - MARGIN_Y - (slot // COLUMNS + 1) * CARD_HEIGHT
        with force_locale(entry.participant.language.value):
            _draw_card(canvas, x, y, site, entry, base_url, regular, bold)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_card(
    canvas: Canvas,
    x: float,
    y: float,
    site: Site,
    entry: IssuedCode,
    base_url: str,
    regular: str,
    bold: str,
) -> None:
    child = entry.participant.group is Group.CHILD
    canvas.setStrokeColor(CUT_LINE)
    canvas.setDash(3, 3)
    canvas.rect(x, y, CARD_WIDTH, CARD_HEIGHT)
    canvas.setDash()
    inner = 4 * mm
    if child:
        canvas.setFillColor(CHILD_BACKGROUND)
        canvas.setStrokeColor(CHILD_BORDER)
        canvas.setLineWidth(2)
        canvas.roundRect(
            x + inner, y + inner, CARD_WIDTH - 2 * inner, CARD_HEIGHT - 2 * inner, 6 * mm, fill=1
        )
        _draw_face(canvas, x + 16 * mm, y + 51.5 * mm, 6 * mm)
        canvas.setLineWidth(1)
    left = x + (26 if child else 9) * mm
    canvas.setFillColor(black)
    canvas.setFont(bold, 13 if child else 11)
    canvas.drawString(left, y + 50 * mm, _("Your code") if child else _("Your personal code"))
    canvas.setFont(bold, 17)
    canvas.drawString(x + 9 * mm, y + 36 * mm, format_code(entry.code))

    qr_size = 25 * mm
    widget = QrCodeWidget(respond_url(base_url, entry.code), barLevel="M")
    left_edge, bottom, right_edge, top_edge = widget.getBounds()
    drawing = Drawing(
        qr_size,
        qr_size,
        transform=[qr_size / (right_edge - left_edge), 0, 0, qr_size / (top_edge - bottom), 0, 0],
    )
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x + CARD_WIDTH - qr_size - 8 * mm, y + 27 * mm)

    canvas.setFillColor(black)
    canvas.setFont(regular, 8.5)
    first = (
        _("Show this card to the adult who helps you.")
        if child
        else _("Answer on a phone or a computer.")
    )
    scan = _("Scan the QR code or go to:")
    text = f"{first} {scan}"
    lines = simpleSplit(text, regular, 8.5, CARD_WIDTH - 18 * mm)
    lines.append(f"{base_url.rstrip('/')}{RESPOND_PATH}")
    text_y = y + 22 * mm
    for line in lines[:4]:
        canvas.drawString(x + 9 * mm, text_y, line)
        text_y -= 4 * mm
    canvas.setFont(regular, 7)
    footer = site.name + (f" · {entry.participant.label}" if entry.participant.label else "")
    canvas.drawString(x + 9 * mm, y + 6.5 * mm, footer[:70])


def _draw_face(canvas: Canvas, cx: float, cy: float, radius: float) -> None:
    """Draw a simple smiling face: a friendly mark for children's cards."""
    canvas.setFillColor(HexColor("#ffd35c"))
    canvas.setStrokeColor(black)
    canvas.circle(cx, cy, radius, fill=1)
    canvas.setFillColor(black)
    canvas.circle(cx - radius * 0.35, cy + radius * 0.25, radius * 0.1, fill=1)
    canvas.circle(cx + radius * 0.35, cy + radius * 0.25, radius * 0.1, fill=1)
    canvas.arc(
        cx - radius * 0.5,
        cy - radius * 0.6,
        cx + radius * 0.5,
        cy + radius * 0.1,
        startAng=200,
        extent=140,
    )
