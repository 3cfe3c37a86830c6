"""The feedback report as a PDF (reportlab): numbers, charts with text beside them, and a page
for the children. Fonts are embedded; the same data and date give the same bytes.
"""

from __future__ import annotations

import io
import multiprocessing
import os
from collections.abc import Callable, Iterator
from xml.sax.saxutils import escape

from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from survey.extensions import db
from survey.fonts import printable, register_pdf_fonts
from survey.instruments.periods import fill
from survey.models import AssistanceMode, Group, Site
from survey.reports.build import (
    AllSitesReport,
    AllSitesScore,
    ItemDistribution,
    ScoreFigures,
    SiteReport,
)
from survey.reports.charts import WIDTH, dot_chart, face, fitted_top, stacked_bar
from survey.reports.stats import Estimate
from survey.web.downloads import safe_filename
from survey.web.labels import label

#: Rows of one dot chart: 25 rows of 9 mm and the axis fit on a page; more sites take more charts.
CHART_ROWS = 25


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = register_pdf_fonts()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=24, leading=30, spaceAfter=8 * mm),
        "h1": ParagraphStyle(
            "h1", fontName=bold, fontSize=17, leading=22, spaceBefore=6 * mm, spaceAfter=3 * mm
        ),
        "h2": ParagraphStyle(
            "h2", fontName=bold, fontSize=13, leading=17, spaceBefore=4 * mm, spaceAfter=2 * mm
        ),
        "body": ParagraphStyle(
            "body", fontName=regular, fontSize=10.5, leading=15, spaceAfter=2 * mm
        ),
        "small": ParagraphStyle("small", fontName=regular, fontSize=8.5, leading=11),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=9.5, leading=12),
        "child": ParagraphStyle("child", fontName=bold, fontSize=18, leading=25, spaceAfter=4 * mm),
    }


def render_site_report(report: SiteReport, draft: bool = False) -> bytes:
    """Return the site's feedback report as PDF bytes, in the report's language.

    A draft (a round not yet closed) is marked as such on every page.
    """
    with force_locale(report.language):
        return _render(report, draft)


def _render(report: SiteReport, draft: bool) -> bytes:
    styles = _styles()
    title = _("Feedback report – %(site)s", site=printable(report.site.name))
    story: list = []
    story += _cover(report, styles, title)
    story += _response(report, styles)
    story += _scores(report, styles)
    story += _items(report, styles)
    story += _child_page(report, styles)
    return _build(report, title, story, draft)


def render_all_sites_report(report: AllSitesReport, draft: bool = False) -> bytes:
    """Return the evaluators' all-sites report as PDF bytes, in the report's language."""
    with force_locale(report.language):
        styles = _styles()
        title = _("All sites – %(study)s", study=printable(report.study.name))
        story = _cover(report, styles, title)
        rows = [[_("Site"), _("Children: completed"), _("Staff: completed")]]
        for site, counts in report.response:
            rows.append(
                [
                    printable(site.name),
                    *(
                        _count(counts[group], report.min_cell)
                        for group in (Group.CHILD, Group.STAFF)
                    ),
                ]
            )
        story += [
            Paragraph(_("Response rates"), styles["h1"]),
            _table(rows, [70 * mm, 50 * mm, 50 * mm]),
        ]
        story.append(Paragraph(_("Scores"), styles["h1"]))
        language = report.language
        for score in report.scores:
            table_rows = [[_("Group"), _("Answers"), _("Average (95 % interval)")]]
            chart_rows = []
            for row in [*score.sites, score.total]:
                name = row.name or _("All sites")
                table_rows.append(
                    [
                        name,
                        str(row.n) if row.estimate else "",
                        _figure_text(row.estimate, row.protected, styles),
                    ]
                )
                chart_rows.append((name, row.estimate))
            # Charts of at most CHART_ROWS rows (a taller one would not fit on a page), all on
            # one axis.
            high = _axis_top(score.method, chart_rows, score.low, score.high)
            parts = [
                Paragraph(_score_heading(score, language), styles["h2"]),
                _table(table_rows, [70 * mm, 30 * mm, 70 * mm]),
            ]
            for start in range(0, len(chart_rows), CHART_ROWS):
                piece = chart_rows[start : start + CHART_ROWS]
                total = len(chart_rows) - 1 - start
                parts += [
                    Spacer(1, 2 * mm),
                    dot_chart(piece, score.low, high, total, _too_few()),
                ]
            groupings = (
                (_("How the children answered"), score.by_assistance, _assistance_label),
                (_("Age"), score.by_age_band, _age_label),
            )
            for heading, grouping, label in groupings:
                if grouping:
                    group_rows = [[heading, _("Average (95 % interval)")]]
                    group_rows += [
                        [label(row.name), _figure_text(row.estimate, row.protected, styles)]
                        for row in grouping
                    ]
                    parts += [Spacer(1, 2 * mm), _table(group_rows, [90 * mm, 80 * mm])]
            story.append(KeepTogether(parts))
        return _build(report, title, story, draft)


def _count(counts, k: int) -> str:  # type: ignore[no-untyped-def]
    return _too_few() if counts.completed < k else f"{counts.completed} / {counts.invited}"


def _assistance_label(value: str) -> str:
    return label(AssistanceMode(value))


def _age_label(band: str) -> str:
    return _("%(band)s years", band=band.replace("-", "–"))


def _build(
    report: SiteReport | AllSitesReport, title: str, story: list, draft: bool = False
) -> bytes:
    regular, _bold = register_pdf_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=_("Safe everyday life"),
        subject=_(
            "%(study)s, round %(round)s",
            study=printable(report.study.name),
            round=printable(report.round.name),
        ),
        creator="survey",
        lang=report.language,
        invariant=True,
    )
    page = _footer(regular, draft)
    document.build(story, onFirstPage=page, onLaterPages=page)
    return buffer.getvalue()


def _footer(font: str, draft: bool = False) -> Callable:
    def draw(canvas, document) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont(font, 8.5)
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, _("Page %(number)s", number=document.page))
        if draft:
            canvas.setFont(font, 12)
            canvas.drawString(20 * mm, A4[1] - 12 * mm, _("DRAFT – the round is not closed"))
        canvas.restoreState()

    return draw


def _cover(report: SiteReport | AllSitesReport, styles: dict, title: str) -> list:
    return [
        Paragraph(escape(title), styles["title"]),
        Paragraph(escape(printable(report.study.name)), styles["h2"]),
        Paragraph(
            escape(_("Round: %(round)s", round=printable(report.round.name))), styles["body"]
        ),
        Paragraph(_("Made on %(date)s", date=report.generated_on.isoformat()), styles["body"]),
        Paragraph(_("How to read this report"), styles["h1"]),
        *(Paragraph(text, styles["body"]) for text in reading_guide(report.min_cell)),
    ]


def reading_guide(min_cell: int) -> list[str]:
    """Return the paragraphs on how to read a report (the PDF's and the web page's)."""
    return [
        _(
            "Each score is the average of the answers on the scale given beside it, which "
            "also says whether a higher score is better or worse. The line around each "
            "average shows where the true average most likely lies: a 95 % interval "
            "(Student's t), cut at the ends of the scale. With few answers it is wide."
        ),
        _(
            "A change since the last round is only called a change when it is larger than this "
            "uncertainty; otherwise the report says “no reliable change”. Where at least "
            "as many of the same people as we show answered both rounds, the change is the "
            "average of each person's own change (and says so); otherwise the two rounds' "
            "groups are compared."
        ),
        _(
            "To protect each person, no figure is shown that rests on fewer than %(k)s "
            "answers; sometimes a second figure is hidden too, so the first cannot be "
            "worked out.",
            k=min_cell,
        ),
    ]


def _too_few() -> str:
    return _("too few answers to show")


def _protected() -> str:
    return _("hidden so that another group's figure cannot be worked out")


def _response(report: SiteReport, styles: dict) -> list:
    rows = [[_("Who"), _("Invited"), _("Completed"), _("Response rate")]]
    for group, name in ((Group.CHILD, _("Children")), (Group.STAFF, _("Staff"))):
        counts = report.response[group]
        if counts.completed < report.min_cell:
            rows.append([name, str(counts.invited), _too_few(), ""])
        else:
            rate = f"{100 * (counts.rate or 0):.0f} %"
            rows.append([name, str(counts.invited), str(counts.completed), rate])
    return [
        Paragraph(_("Response rates"), styles["h1"]),
        _table(rows, [50 * mm, 35 * mm, 45 * mm, 40 * mm]),
    ]


def _table(rows: list[list[str]], widths: list[float]) -> Table:
    regular, bold = register_pdf_fonts()
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), regular, 9.5),
                ("FONT", (0, 0), (-1, 0), bold, 9.5),
                ("LINEBELOW", (0, 0), (-1, 0), 1.2, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.4, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _number(value: float, signed: bool = False) -> str:
    """Return a score with one decimal in the report's language (4,2 in Danish)."""
    return format_decimal(value, format="+0.0;-0.0" if signed else "0.0")


def _score_heading(score: ScoreFigures | AllSitesScore, language: str) -> str:
    """Return "Questionnaire: score (scale 1–5, higher is better)"."""
    direction = _("higher is better") if score.higher_is == "better" else _("higher is worse")
    if score.method == "any":
        scale = _("percent")
    elif score.method == "count":
        scale = _("estimated from the answer bands")
    else:
        scale = _(
            "scale %(low)s–%(high)s", low=format_decimal(score.low), high=format_decimal(score.high)
        )
    return f"{score.instrument.title[language]}: {score.label[language]} ({scale}, {direction})"


def _estimate_text(estimate) -> str:  # type: ignore[no-untyped-def]
    if estimate is None:
        return _too_few()
    return f"{_number(estimate.mean)} ({_number(estimate.low)}–{_number(estimate.high)})"


def _figure_text(estimate, protected: bool, styles: dict) -> object:  # type: ignore[no-untyped-def]
    """Return an average, or why it is not shown: too few answers, or another's protection."""
    if protected:
        return Paragraph(_protected(), styles["cell"])
    return _estimate_text(estimate)


def _previous_text(report: SiteReport, figures: ScoreFigures, styles: dict) -> object:
    if report.previous_round is None:
        return _("no earlier round")
    if not figures.asked_before:
        return _("not asked in the last round")
    return _figure_text(figures.previous, figures.previous_complement, styles)


def change_words(figures: ScoreFigures) -> str:
    """Return the change since the last round in words (the PDF's and the web page's)."""
    if figures.change is None:
        return "–"
    if figures.change.reliable:
        text = _number(figures.change.difference, signed=True)
    else:
        text = _("no reliable change")
    if figures.change.paired_n is None:
        return text
    same = _("(the same %(n)s people)", n=figures.change.paired_n)
    return f"{text} {same}"


def _change_text(figures: ScoreFigures, styles: dict) -> object:
    text = change_words(figures)
    if figures.change is None or figures.change.paired_n is None:
        return text
    return Paragraph(text, styles["cell"])  # the longer text wraps in its cell


def _axis_top(
    method: str, rows: list[tuple[str, Estimate | None]], low: float, high: float
) -> float:
    """Return where a dot chart's axis ends: at the top of the score's range, or for estimated
    numbers of events (open-ended) just above the highest interval."""
    return fitted_top(rows, low, high) if method == "count" else high


def _scores(report: SiteReport, styles: dict) -> list:
    story = [Paragraph(_("Scores"), styles["h1"])]
    language = report.language
    for figures in report.scores:
        heading = _score_heading(figures, language)
        rows = [
            [_("Group"), _("Average (95 % interval)"), _("Change since last round")],
            [
                printable(report.site.name),
                _figure_text(figures.site, figures.site_complement, styles),
                _change_text(figures, styles),
            ],
            [
                _("All sites"),
                _figure_text(figures.all_sites, figures.all_sites_complement, styles),
                "",
            ],
            [
                _("This site, last round"),
                _previous_text(report, figures, styles),
                "",
            ],
        ]
        chart_rows = [
            (printable(report.site.name), None if figures.site_hidden else figures.site),
            (_("All sites"), figures.all_sites),
            *([(_("Last round"), figures.previous)] if report.previous_round else []),
        ]
        story.append(
            KeepTogether(
                [
                    Paragraph(heading, styles["h2"]),
                    _table(rows, [60 * mm, 55 * mm, 55 * mm]),
                    Spacer(1, 2 * mm),
                    dot_chart(
                        chart_rows,
                        figures.low,
                        _axis_top(figures.method, chart_rows, figures.low, figures.high),
                        total_row=1,
                        empty=_too_few(),
                    ),
                ]
            )
        )
    return story


def _items(report: SiteReport, styles: dict) -> list:
    story = [PageBreak(), Paragraph(_("How the answers spread"), styles["h1"])]
    language = report.language
    for distribution in report.items:
        text = fill(distribution.item.text[language], language)
        story.append(Paragraph(f"{distribution.item.id}: {text}", styles["small"]))
        if distribution.hidden:
            hidden = _too_few() if distribution.n < report.min_cell else _protected()
            story.append(Paragraph(hidden, styles["small"]))
        else:
            story.append(stacked_bar(distribution))
            parts = [
                f"{label[language]} {100 * share:.0f} %"
                for label, share in zip(distribution.labels, distribution.shares, strict=True)
            ]
            parts.append(_("%(n)s answered", n=distribution.n))
            story.append(Paragraph(" · ".join(parts), styles["small"]))
        story.append(Spacer(1, 2 * mm))
    return story


#: The children's page says "most of you" only for a majority, "more of you … than anything
#: else" when the commonest answer has at least this many times the share of the next one,
#: and otherwise that the answers differed.
MAJORITY = 0.5
CLEAR_LEAD = 1.5


def child_sentence(distribution: ItemDistribution, language: str) -> tuple[str, float | None]:
    """Return what the children's page says of an item, and the face to draw (0 sad, 1 happy;
    None for no face). Items on the page are positively worded and shown on the 5-point
    reference scale, so the face follows the meaning of the commonest answer."""
    ranked = sorted(range(len(distribution.shares)), key=lambda i: -distribution.shares[i])
    top, second = (distribution.shares[i] for i in ranked[:2])
    answer = distribution.labels[ranked[0]][language]
    question = fill(distribution.item.text[language], language)
    position = ranked[0] / (len(distribution.shares) - 1)
    if top > MAJORITY:
        return _(
            "Most of you said “%(answer)s” to: %(question)s", answer=answer, question=question
        ), position
    if top >= CLEAR_LEAD * second:
        return (
            _(
                "More of you said “%(answer)s” than anything else to: %(question)s",
                answer=answer,
                question=question,
            ),
            position,
        )
    return _("You answered in different ways to: %(question)s", question=question), None


def _child_page(report: SiteReport, styles: dict) -> list:
    """A page staff can show the children: big faces and short, true sentences about the
    questions marked as fit for it (kind, not private, not about violence)."""
    language = report.language
    fit = [
        d
        for d in report.items
        if d.item.feedback_page
        and not d.hidden
        and len(d.labels) == len(d.instrument.reference_scale(d.item).points)
    ]
    story = [PageBreak(), Paragraph(_("This is what you told us"), styles["title"])]
    for distribution in fit[:6]:
        sentence, position = child_sentence(distribution, language)
        story.append(
            Table(
                [
                    [
                        face(position) if position is not None else "",
                        Paragraph(sentence, styles["child"]),
                    ]
                ],
                colWidths=[30 * mm, WIDTH - 30 * mm],
            )
        )
    story.append(Paragraph(_("Thank you all for answering!"), styles["child"]))
    return story


def report_filename(site: Site) -> str:
    """Return a plain file name for a site's report, unique by the site's id."""
    return safe_filename(str(site.id), site.name) + ".pdf"


#: What the forked renderers share with the process that forked them: (reports, draft).
_SHARED: tuple[list[SiteReport], bool] | None = None


def render_site_reports(
    reports: list[SiteReport], draft: bool = False, workers: int | None = None
) -> Iterator[bytes]:
    """Yield each site's PDF, in the reports' order, rendered by as many processes as the
    machine gives this one cores. The processes are forked, so they read the reports
    without copying them; they never touch the database."""
    global _SHARED
    workers = min(workers or len(os.sched_getaffinity(0)), len(reports))
    if workers < 2:
        yield from (render_site_report(report, draft) for report in reports)
        return
    _SHARED = (reports, draft)
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_leave_the_database) as pool:
            yield from pool.imap(_render_shared, range(len(reports)))
    finally:
        _SHARED = None


def _leave_the_database() -> None:
    """In a forked renderer: drop the database connections it inherited, unused and unclosed
    (closing them would close the parent's), so that reading anything not yet loaded fails
    instead of talking over the parent's connection."""
    db.session.expunge_all()
    db.engine.dispose(close=False)


def _render_shared(index: int) -> bytes:
    reports, draft = _SHARED  # type: ignore[misc]
    return render_site_report(reports[index], draft)
