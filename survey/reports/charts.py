"""Charts for the feedback reports: greyscale, with the numbers also given as text beside them."""

from __future__ import annotations

import math

from flask_babel import format_decimal
from reportlab.graphics.shapes import Circle, Drawing, Line, Rect, String, Wedge
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from survey.fonts import register_pdf_fonts
from survey.reports.build import ItemDistribution
from survey.reports.stats import Estimate

GREYS = [colors.Color(v, v, v) for v in (0.15, 0.35, 0.55, 0.72, 0.87)]
WIDTH = A4[0] - 40 * mm


#: Distances between ticks, per decade: at most MAX_TICKS intervals are drawn.
STEPS = (1, 2, 2.5, 5)
MAX_TICKS = 6


def tick_step(low: float, high: float) -> float:
    """Return the smallest round distance (1, 2, 2.5 or 5 times a power of 10) that
    divides the range into at most MAX_TICKS intervals."""
    span = high - low
    power = 10.0 ** math.floor(math.log10(span / MAX_TICKS))
    return next(
        step * power * decade
        for decade in (1, 10)
        for step in STEPS
        if span / (step * power * decade) <= MAX_TICKS + 1e-9
    )


def fitted_top(rows: list[tuple[str, Estimate | None]], low: float, high: float) -> float:
    """Return the axis end for a range without a natural end (estimated counts): the next
    tick above the highest interval shown, within the score's range."""
    shown = [estimate.high for _name, estimate in rows if estimate is not None]
    top = max([*shown, low + 1])
    step = tick_step(low, top)
    return min(high, low + math.ceil((top - low) / step - 1e-9) * step)


def dot_chart(
    rows: list[tuple[str, Estimate | None]],
    low: float,
    high: float,
    total_row: int,
    empty: str,
) -> Drawing:
    """Averages as dots with interval lines on the score's range; greyscale, names beside.

    The table above the chart gives the same numbers as text; ``empty`` stands where a
    figure is withheld. The row ``total_row`` gets a square marker; the axis runs
    from ``low`` to ``high``.
    """
    regular, _bold = register_pdf_fonts()
    height = 9 * mm * len(rows) + 8 * mm
    drawing = Drawing(WIDTH, height)
    left, right = 55 * mm, WIDTH - 5 * mm
    scale = (right - left) / (high - low)
    step = tick_step(low, high)
    for index in range(math.floor((high - low) / step + 1e-9) + 1):
        tick = low + index * step
        x = left + (tick - low) * scale
        drawing.add(Line(x, 6 * mm, x, height, strokeColor=colors.Color(0.85, 0.85, 0.85)))
        drawing.add(
            String(
                x, 1.5 * mm, format_decimal(tick), fontName=regular, fontSize=8, textAnchor="middle"
            )
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
