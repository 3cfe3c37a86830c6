"""The codebook: one source for variable names, texts, scales, missing codes and scores.

Exports and reports reuse ``codebook_instruments``; the command line renders it as Markdown
or HTML.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, select_autoescape

from survey.enums import AgeBand
from survey.instruments.loader import Registry
from survey.instruments.model import (
    LANGUAGES,
    MISSING_LABELS,
    MISSING_VALUES,
    Instrument,
    Item,
    Scale,
    Score,
)
from survey.instruments.scoring import score_range

NOTES = (
    "Children answer each item on the 5-, 3- or 2-point version of its ladder; the scale shown "
    "is stored with every answer. Each ladder declares what every answer of a shorter version "
    "means on the 5-point version, or that it has no single equivalent there (then only the "
    "ladder's coarser common variable holds it); exports carry the answer as given per version, "
    "its 5-point meaning and the common variable.",
    "Scores use each answer's 5-point meaning, after reverse coding, and leave missing codes "
    "out; a score does not exist when an answer has no single 5-point meaning. A score exists "
    "only when the share of shown items with a value reaches its minimum; sums are prorated to "
    "all of the score's items.",
    "Event scores: 'share with an event' is 1 when at least one of its items was answered above "
    "its lowest choice (on any version of the ladder) and 0 when all were answered 'none', so "
    "its mean is the share of respondents with at least one event; 'estimated number of "
    "events' adds the declared count of each answer's band (a choice's 'counts as', e.g. "
    "2-3 times counts as 2.5 and 7 or more as 8), prorated to the items shown, and does not "
    "exist when an answer has no single count (3-point 'Ja, flere gange'); 'per' divides it by "
    "the declared count of another answer (shifts worked), giving events per shift.",
    "A variable name means the same item or score in every version of an instrument: a changed "
    "wording or scale is a new name, so the versions' answers share a column only where they "
    "mean the same. Core scores are built from items asked at every age; extended scores name "
    "the age bands they cover. Texts holding {period} read 'de sidste 4 uger', or for a child "
    "of 6-9 the landmark the adult chose on the setup page (the submission's reference_period).",
    "Instruments under licence (e.g. COPSOQ) are not shipped; a deployment loads them unchanged "
    "from its own folder (INSTRUMENTS_PATH), with a 'source' that the codebook shows.",
)


@dataclass(frozen=True)
class ItemEntry:
    """An item variable."""

    name: str
    item: Item
    scales: tuple[Scale, ...]

    def texts(self, language: str) -> list[tuple[str, str]]:
        """Return (age band or "", text) pairs: the main text, then the age-band versions."""
        variants = [
            (band.value, self.item.text_for(language, band))
            for band in AgeBand
            if band in self.item.text_by_age
        ]
        return [("", self.item.text[language]), *variants]


@dataclass(frozen=True)
class ScoreEntry:
    """A score variable."""

    name: str
    score: Score
    low: float
    high: float
    #: How the score is built, in words (the same in Markdown and HTML).
    summary: str


@dataclass(frozen=True)
class CodebookInstrument:
    """One instrument version with its variables."""

    instrument: Instrument
    items: tuple[ItemEntry, ...]
    scores: tuple[ScoreEntry, ...]


def codebook_instruments(registry: Registry) -> list[CodebookInstrument]:
    """Return the codebook entries of every instrument version in the registry."""
    entries = []
    for instrument in registry:
        items = tuple(
            ItemEntry(
                item.id,
                item,
                tuple(instrument.scales[key] for key in instrument.scale_keys_for(item)),
            )
            for item in instrument.items
        )
        scores = tuple(
            ScoreEntry(
                f"{instrument.prefix}_{score.id}",
                score,
                *score_range(instrument, score),
                summary=_summary(instrument, score),
            )
            for score in instrument.scores
        )
        entries.append(CodebookInstrument(instrument, items, scores))
    return entries


def missing_codes() -> list[tuple[int, str, dict[str, str]]]:
    """Return (value, code, labels) of every missing code."""
    return [(value, code.value, MISSING_LABELS[code]) for code, value in MISSING_VALUES.items()]


def render_markdown(registry: Registry) -> str:
    """Return the codebook as Markdown."""
    notes = [line for note in NOTES for line in (note, "")]
    lines = [
        "# Codebook",
        "",
        *notes,
        "## Missing codes",
        "",
        "| value | code | da | en |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {value} | `{code}` | {labels['da']} | {labels['en']} |"
        for value, code, labels in missing_codes()
    ]
    for entry in codebook_instruments(registry):
        instrument = entry.instrument
        lines += [
            "",
            f"## {instrument.key} (version {instrument.version}) — "
            f"{instrument.title['da']} / {instrument.title['en']}",
            "",
        ]
        lines += [f"Respondents: {instrument.respondent.value}.", ""]
        if instrument.source:
            lines += [f"Source: {_md(instrument.source)}", ""]
        for item_entry in entry.items:
            item = item_entry.item
            flags = [
                flag for flag, on in (("reverse", item.reverse), ("private", item.private)) if on
            ]
            if item.age_bands != tuple(AgeBand):
                flags.append("ages " + ", ".join(band.value for band in item.age_bands))
            if item.show_if:
                rule = (
                    "above the lowest choice"
                    if item.show_if.above_lowest
                    else f"in {list(item.show_if.codes)}"
                )
                flags.append(f"shown if {' or '.join(item.show_if.items)} {rule}")
            lines += [f"### `{item_entry.name}`" + (f" ({'; '.join(flags)})" if flags else ""), ""]
            for language in LANGUAGES:
                for band, text in item_entry.texts(language):
                    lines.append(f"- {language}{' ' + band if band else ''}: {_md(text)}")
            for scale in item_entry.scales:
                choices = "; ".join(
                    f"{p.code} = {_md(p.label['da'])} / {_md(p.label['en'])}"
                    + _meaning(instrument, item, scale, p.code)
                    + (f" (counts as {p.count:g})" if p.count is not None else "")
                    for p in scale.points
                )
                lines.append(
                    f"- scale `{scale.key}`{'' if scale.ordinal else ' (nominal)'}: {choices}"
                )
            lines.append("")
        lines += ["### Scores", ""]
        for score_entry in entry.scores:
            score = score_entry.score
            lines.append(
                f"- `{score_entry.name}` — {score.label['da']} / {score.label['en']}: "
                f"{score_entry.summary}"
            )
    return "\n".join(lines).rstrip() + "\n"


#: How each kind of score is built, in words.
METHOD_WORDS = {
    "mean": "mean of",
    "sum": "sum of",
    "any": "share with an event (1 if any answer is above its lowest choice, else 0) of",
    "count": "estimated number of events of",
}


def _summary(instrument: Instrument, score: Score) -> str:
    """Return how a score is built, its range, direction and what a reader must know."""
    words = METHOD_WORDS[score.method]
    if score.times != 1:
        words = f"{score.times:g} × the {words.removesuffix(' of')} of"
    parts = [f"{words} {', '.join(score.items)}"]
    if score.per:
        parts[0] += f", per the count of {score.per}"
    if score.age_bands != tuple(AgeBand):
        parts.append("ages " + ", ".join(band.value for band in score.age_bands))
    low, high = score_range(instrument, score)
    parts += [
        f"at least {score.min_answered:.0%} answered",
        f"range {low:g}–{high:g}",
        f"higher is {score.higher_is}",
    ]
    return "; ".join(parts) + "".join(_cautions(instrument, score))


def _cautions(instrument: Instrument, score: Score) -> list[str]:
    """Return what a reader must know of a score released before the like-with-like rules."""
    if not score.as_released:
        return []
    cautions = []
    if len({instrument.item(item_id).age_bands for item_id in score.items}) > 1:
        cautions.append(
            "; age-specific: some age bands are not asked all its items, so compare it "
            "within an age band"
        )
    cautions += [
        f"; holds every item of {instrument.prefix}_{inner.id}, so the two move together"
        for inner in instrument.scores
        if inner is not score and set(inner.items) < set(score.items)
    ]
    return cautions


def _meaning(instrument: Instrument, item: Item, scale: Scale, code: int) -> str:
    """Return " (means 4)" for an answer of a shorter rung: its 5-point meaning, or "none"."""
    if item.ladder is None:
        return ""
    ladder = instrument.ladders[item.ladder]
    steps = ladder.steps_of(scale.key)
    if steps == ladder.reference_steps:
        return ""
    meaning = ladder.meaning(steps, code)
    return f" (means {'no single 5-point answer' if meaning is None else meaning})"


def _md(text: str) -> str:
    return text.replace("|", "\\|")


_environment = Environment(
    loader=PackageLoader("survey", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_html(registry: Registry) -> str:
    """Return the codebook as a self-contained HTML page."""
    template = _environment.get_template("instruments/codebook.html")
    return template.render(
        notes=NOTES,
        missing=missing_codes(),
        instruments=codebook_instruments(registry),
        languages=LANGUAGES,
        all_bands=tuple(AgeBand),
    )
