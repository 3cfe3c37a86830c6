"""Charts for the feedback reports: greyscale, with the numbers also given as text beside them."""

from __future__ import annotations

from reportlab.graphics.shapes import Circle, Drawing, Line, Rect, String, Wedge
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from survey.fonts import register_pdf_fonts
from survey.reports.build import ItemDistribution
from survey.reports.stats import Estimate

GREYS = [colors.Color(v, v, v) for v in (0.15, 0.35, 0.55, 0.72, 0.87)]
WIDTH = A4[0] - 40 * mm


def dot_chart(
    rows: list[tuple[str, Estimate | None]], low: float, high: float, total_row: int, empty: str
) -> Drawing:
    """Averages as dots with interval lines on the score's range; greyscale, names beside.

    The table above the chart gives the same numbers as text; ``empty`` stands where a
    figure is withheld. The row ``total_row`` gets a square marker.
    """
    regular, _bold = register_pdf_fonts()
    height = 9 * mm * len(rows) + 8 * mm
    drawing = Drawing(WIDTH, height)
    left, right = 55 * mm, WIDTH - 5 * mm
    scale = (right - left) / (high - low)
    for tick in range(int(low), int(high) + 1):
        x = left + (tick - low) * scale
        drawing.add(Line(x, 6 * mm, x, height, strokeColor=colors.Color(0.85, 0.85, 0.85)))
        drawing.add(
            String(x, 1.5 * mm, str(tick), fontName=regular, fontSize=8, textAnchor="middle")
        )
    for index, (name, estimate) in enumerate(rows):
        y = height - (index + 1) * 9 * mm
        drawing.add(String(0, y - 1 * mm, name[:38], fontName=regular, fontSize=8.5))
        if estimate is None:
            drawing.add(
                String(left, y - 1 * mm, empty, fontName=regular, fontSize=8, fillColor=GREYS[1])
            )
            continue
        x_low = left + (max(estimate.low, low) - low) * scale
        x_high = left + (min(estimate.high, high) - low) * scale
        drawing.add(Line(x_low, y, x_high, y, strokeColor=GREYS[1], strokeWidth=2))
        marker = _square if index == total_row else Circle
        drawing.add(marker(left + (estimate.mean - low) * scale, y, 2.2 * mm))
    return drawing


def _square(x: float, y: float, size: float) -> Rect:
    return Rect(
        x - size, y - size, 2 * size, 2 * size, fillColor=colors.white, strokeColor=colors.black
    )


def stacked_bar(distribution: ItemDistribution) -> Drawing:
    """Draw the shares of an item's answers as one bar, darkest for the lowest choice."""
    drawing = Drawing(WIDTH, 6 * mm)
    x = 0.0
    shades = GREYS[:: max(1, len(GREYS) // len(distribution.shares))][: len(distribution.shares)]
    for share, shade in zip(distribution.shares, reversed(shades), strict=False):
        width = share * WIDTH
        drawing.add(
            Rect(x, 0, width, 5 * mm, fillColor=shade, strokeColor=colors.white, strokeWidth=0.5)
        )
        x += width
    return drawing


def face(position: float) -> Drawing:
    """A line face: a sad mouth below 0.5, a straight one at 0.5, a happy one above (drawn
    for this project)."""
    drawing = Drawing(24 * mm, 24 * mm)
    centre, radius = 12 * mm, 11 * mm
    drawing.add(
        Circle(
            centre, centre, radius, fillColor=colors.white, strokeColor=colors.black, strokeWidth=2
        )
    )
    for dx in (-4 * mm, 4 * mm):
        drawing.add(Circle(centre + dx, centre + 3 * mm, 1.2 * mm, fillColor=colors.black))
    if position == 0.5:
        drawing.add(
            Line(
                centre - 5 * mm,
                centre - 4 * mm,
                centre + 5 * mm,
                centre - 4 * mm,
                strokeColor=colors.black,
                strokeWidth=2,
            )
        )
    elif position > 0.5:
        drawing.add(
            Wedge(
                centre,
                centre - 1 * mm,
                5 * mm,
                200,
                340,
                fillColor=colors.black,
                strokeColor=colors.black,
            )
        )
    else:
        drawing.add(
            Wedge(
                centre,
                centre - 7 * mm,
                5 * mm,
                20 + 40 * position,
                160 - 40 * position,
                fillColor=None,
                strokeColor=colors.black,
                strokeWidth=2,
            )
        )
    return drawing
