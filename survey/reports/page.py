"""The feedback reports as web pages: the very figures the PDF prints, laid out as tables.

reportlab writes no tagged PDF, so a screen reader cannot follow the report's tables and
charts; the web page can. It takes the report model that ``build`` gives the PDF, computes
nothing anew, and words every figure, and every withheld one, with the PDF's own text
helpers. Each chart of the PDF becomes the table of its numbers. Pure functions only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import force_locale
from flask_babel import gettext as _

from survey.instruments.periods import fill
from survey.models import Group
from survey.reports.build import (
    AllSitesReport,
    AllSitesScore,
    ItemDistribution,
    ScoreFigures,
    SiteReport,
)

# The PDF's wording, shared so that both say the same of every figure.
from survey.reports.pdf import (
    _age_label,
    _assistance_label,
    _count,
    _estimate_text,
    _protected,
    _score_heading,
    _too_few,
    change_words,
    child_sentence,
    reading_guide,
)
from survey.reports.stats import Estimate

#: How many statements the children's part holds, as on the PDF's children's page.
CHILD_STATEMENTS = 6


@dataclass(frozen=True)
class Row:
    """A table row: its header cell, then its data cells."""

    header: str
    cells: tuple[str, ...] = ()
    #: Stands instead of every data cell when the row's figures are withheld.
    note: str | None = None


@dataclass(frozen=True)
class Table:
    """A data table: a caption, the column headers (the first heads the row headers), rows."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    #: The caption only repeats the heading just above: said to screen readers, not shown.
    caption_hidden: bool = False


@dataclass(frozen=True)
class Section:
    """A part of the report under a heading, with its tables."""

    heading: str
    tables: tuple[Table, ...]


@dataclass
class ReportPage:
    """Everything the report's web page shows, as text."""

    title: str
    study: str
    round: str
    made_on: str
    #: How to read the report: the PDF's paragraphs.
    reading: list[str]
    response: Table
    scores: list[Section] = field(default_factory=list)
    #: The site report only: how the answers to each question spread, per questionnaire.
    items: list[Section] = field(default_factory=list)
    #: The site report only: the sentences of the PDF's page for the children.
    child_statements: list[str] = field(default_factory=list)


def site_page(report: SiteReport) -> ReportPage:
    """Return the site report's web page, in the report's language."""
    with force_locale(report.language):
        return ReportPage(
            title=_("Feedback report – %(site)s", site=report.site.name),
            study=report.study.name,
            round=report.round.name,
            made_on=report.generated_on.isoformat(),
            reading=reading_guide(report.min_cell),
            response=_site_response(report),
            scores=[_site_score(report, figures) for figures in report.scores],
            items=_item_sections(report),
            child_statements=_child_statements(report),
        )


def all_sites_page(report: AllSitesReport) -> ReportPage:
    """Return the all-sites report's web page, in the report's language."""
    with force_locale(report.language):
        response = Table(
            _("Response rates"),
            (_("Site"), _("Children: completed"), _("Staff: completed")),
            tuple(
                Row(
                    site.name,
                    tuple(
                        _count(counts[group], report.min_cell)
                        for group in (Group.CHILD, Group.STAFF)
                    ),
                )
                for site, counts in report.response
            ),
            caption_hidden=True,
        )
        return ReportPage(
            title=_("All sites – %(study)s", study=report.study.name),
            study=report.study.name,
            round=report.round.name,
            made_on=report.generated_on.isoformat(),
            reading=reading_guide(report.min_cell),
            response=response,
            scores=[_all_sites_score(report, score) for score in report.scores],
        )


def _figure(estimate: Estimate | None, protected: bool) -> str:
    """Return an average, or why it is not shown (as the PDF's ``_figure_text``)."""
    return _protected() if protected else _estimate_text(estimate)


def _site_response(report: SiteReport) -> Table:
    rows = []
    for group, name in ((Group.CHILD, _("Children")), (Group.STAFF, _("Staff"))):
        counts = report.response[group]
        if counts.completed < report.min_cell:
            rows.append(Row(name, (str(counts.invited), _too_few(), "")))
        else:
            rate = f"{100 * (counts.rate or 0):.0f}\u00a0%"
            rows.append(Row(name, (str(counts.invited), str(counts.completed), rate)))
    return Table(
        _("Response rates"),
        (_("Who"), _("Invited"), _("Completed"), _("Response rate")),
        tuple(rows),
        caption_hidden=True,
    )


def _site_score(report: SiteReport, figures: ScoreFigures) -> Section:
    """One score: the table the PDF prints, which also holds every number of its dot chart."""
    heading = _score_heading(figures, report.language)
    if report.previous_round is None:
        previous = _("no earlier round")
    elif not figures.asked_before:
        previous = _("not asked in the last round")
    else:
        previous = _figure(figures.previous, figures.previous_complement)
    rows = (
        Row(
            report.site.name,
            (_figure(figures.site, figures.site_complement), change_words(figures)),
        ),
        Row(_("All sites"), (_figure(figures.all_sites, figures.all_sites_complement), "")),
        Row(_("This site, last round"), (previous, "")),
    )
    columns = (_("Group"), _("Average (95 % interval)"), _("Change since last round"))
    return Section(heading, (Table(heading, columns, rows, caption_hidden=True),))


def _all_sites_score(report: AllSitesReport, score: AllSitesScore) -> Section:
    heading = _score_heading(score, report.language)
    rows = tuple(
        Row(
            row.name or _("All sites"),
            (str(row.n) if row.estimate else "", _figure(row.estimate, row.protected)),
        )
        for row in [*score.sites, score.total]
    )
    columns = (_("Group"), _("Answers"), _("Average (95 % interval)"))
    tables = [Table(heading, columns, rows, caption_hidden=True)]
    groupings = (
        (_("How the children answered"), score.by_assistance, _assistance_label),
        (_("Age"), score.by_age_band, _age_label),
    )
    for name, grouping, label in groupings:
        if grouping:
            tables.append(
                Table(
                    name,
                    (name, _("Average (95 % interval)")),
                    tuple(
                        Row(label(row.name), (_figure(row.estimate, row.protected),))
                        for row in grouping
                    ),
                )
            )
    return Section(heading, tuple(tables))


def _item_sections(report: SiteReport) -> list[Section]:
    """Per questionnaire, one table for each run of questions with the same answer choices:
    the shares the PDF draws as bars and prints beside them."""
    language = report.language
    sections: list[Section] = []
    runs: list[list[ItemDistribution]] = []
    for distribution in report.items:
        labels = [label[language] for label in distribution.labels]
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and last.instrument is distribution.instrument
            and [label[language] for label in last.labels] == labels
        ):
            runs[-1].append(distribution)
        else:
            runs.append([distribution])
    for run in runs:
        instrument = run[0].instrument
        table = _item_table(report, run)
        if sections and sections[-1].heading == instrument.title[language]:
            sections[-1] = Section(sections[-1].heading, (*sections[-1].tables, table))
        else:
            sections.append(Section(instrument.title[language], (table,)))
    return sections


def _item_table(report: SiteReport, run: list[ItemDistribution]) -> Table:
    language = report.language
    labels = [label[language] for label in run[0].labels]
    rows = []
    for distribution in run:
        question = f"{distribution.item.id}: {fill(distribution.item.text[language], language)}"
        if distribution.hidden:
            note = _too_few() if distribution.n < report.min_cell else _protected()
            rows.append(Row(question, note=note))
        else:
            # A no-break space: a narrow column never parts a number from its sign.
            shares = tuple(f"{100 * share:.0f}\u00a0%" for share in distribution.shares)
            rows.append(Row(question, (*shares, str(distribution.n))))
    return Table(
        _("Answers from “%(first)s” to “%(last)s”", first=labels[0], last=labels[-1]),
        (_("Question"), *labels, _("Answers")),
        tuple(rows),
    )


def _child_statements(report: SiteReport) -> list[str]:
    """Return the sentences of the PDF's page for the children, for the same questions."""
    fit = [
        distribution
        for distribution in report.items
        if distribution.item.feedback_page
        and not distribution.hidden
        and len(distribution.labels)
        == len(distribution.instrument.reference_scale(distribution.item).points)
    ]
    return [
        child_sentence(distribution, report.language)[0] for distribution in fit[:CHILD_STATEMENTS]
    ]
