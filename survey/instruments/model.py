"""Instruments as plain immutable objects, built from validated YAML files."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from survey.enums import AgeBand, Group, MissingCode

#: Languages every text must exist in; Danish first.
LANGUAGES = ("da", "en")
#: Number of answer choices a child sees by default, per age band (CHILD-QUESTIONNAIRES §1).
DEFAULT_STEPS = {AgeBand.AGE_6_9: 3, AgeBand.AGE_10_12: 5, AgeBand.AGE_13_18: 5}
#: Every child item exists on these rungs of its ladder.
LADDER_STEPS = (5, 3, 2)
#: Numeric codes of the missing codes in exports (user-missing values in SPSS and Stata).
MISSING_VALUES = {MissingCode.REFUSED: -1, MissingCode.DONT_KNOW: -2, MissingCode.NOT_SHOWN: -3}
MISSING_LABELS = {
    MissingCode.REFUSED: {"da": "Vil ikke svare", "en": "Rather not say"},
    MissingCode.DONT_KNOW: {"da": "Ved ikke", "en": "Don't know"},
    MissingCode.NOT_SHOWN: {"da": "Ikke vist", "en": "Not shown"},
}

Text = dict[str, str]


@dataclass(frozen=True)
class Point:
    """One answer choice of a scale."""

    code: int
    label: Text
    #: Name of the picture shown in child layouts (e.g. ``face_5``), if any.
    picture: str | None = None
    #: For a count band ("2-3 gange"): the number of events it stands for in estimates
    #: (declared, e.g. its midpoint); None where the choice is no count.
    count: float | None = None


@dataclass(frozen=True)
class Scale:
    """A named response scale: its choices run from least to most."""

    key: str
    points: tuple[Point, ...]
    #: Ordinal scales can be scored and reverse-coded; nominal ones cannot.
    ordinal: bool = True

    @property
    def codes(self) -> tuple[int, ...]:
        """Return the codes of the choices in order."""
        return tuple(point.code for point in self.points)

    def count_of(self, code: int) -> float | None:
        """Return the declared number of events of the choice with ``code`` (None: none)."""
        return next(point.count for point in self.points if point.code == code)

    @property
    def counts(self) -> bool:
        """Tell whether every choice declares a number of events (a scale of count bands)."""
        return all(point.count is not None for point in self.points)

    def label_of(self, code: int, language: str) -> str:
        """Return the label of the choice with ``code``."""
        return next(point.label[language] for point in self.points if point.code == code)


@dataclass(frozen=True)
class CommonVariable:
    """The coarser variable every rung of a ladder maps to truthfully (e.g. happened: yes/no).

    Exported as ``<item>_<suffix>`` beside the item's variables on the reference scale.
    """

    suffix: str
    label: Text
    scale: Scale
    #: Rung (number of choices) → answer code on that rung → code of the common variable.
    codes: dict[int, dict[int, int]]


@dataclass(frozen=True)
class Ladder:
    """The 5-, 3- and 2-point versions of a child item's scale and what their answers mean.

    ``means`` states, per shorter rung, the code on the reference (longest) rung that an
    answer means, or None where it has no single equivalent (3-point "Ja, flere gange" is
    2-3, 4-6 or 7+ times); such a ladder declares a ``common`` variable.
    """

    name: str
    rungs: dict[int, str]
    means: dict[int, dict[int, int | None]] = field(default_factory=dict)
    common: CommonVariable | None = None
    #: Reports show the items' answers on the common variable (e.g. events: at least once).
    report_common: bool = False

    @property
    def reference_steps(self) -> int:
        """Return the number of choices of the reference rung (the longest)."""
        return max(self.rungs)

    def steps_of(self, scale_key: str) -> int:
        """Return the rung (number of choices) a scale is on (KeyError if on none)."""
        for steps, key in self.rungs.items():
            if key == scale_key:
                return steps
        raise KeyError(scale_key)

    def meaning(self, steps: int, code: int) -> int | None:
        """Return the reference code an answer on a rung means (None: no single equivalent)."""
        if steps == self.reference_steps:
            return code
        return self.means[steps][code]


@dataclass(frozen=True)
class Harmonised:
    """An answer's meaning: a code on the item's reference scale and on its common variable."""

    #: None where the answer has no single equivalent on the reference scale.
    reference: int | None
    #: None for items without a common variable (staff items, ladders that need none).
    common: int | None


@dataclass(frozen=True)
class Condition:
    """Show an item only after a given answer to an earlier item (or to any of several)."""

    item: str
    #: The earlier answer must be one of these codes (items with one fixed scale) ...
    codes: tuple[int, ...] = ()
    #: ... or any choice above the lowest one (works on every rung of a ladder).
    above_lowest: bool = False
    #: Further earlier items: the item is shown when any of them qualifies (``any_of``).
    others: tuple[str, ...] = ()

    @property
    def items(self) -> tuple[str, ...]:
        """Return every earlier item the condition looks at."""
        return (self.item, *self.others)


@dataclass(frozen=True)
class Item:
    """One question (child) or statement (staff)."""

    id: str
    text: Text
    #: The scale of a staff item; child items use ``ladder`` instead.
    scale: str | None = None
    #: The ladder (5-, 3- and 2-point scales) of a child item.
    ladder: str | None = None
    text_by_age: dict[AgeBand, Text] = field(default_factory=dict)
    age_bands: tuple[AgeBand, ...] = tuple(AgeBand)
    reverse: bool = False
    #: Asked while the assisting adult looks away (situations, questions about the adults).
    private: bool = False
    #: May be shown on the children's page of a feedback report (positively worded, not
    #: private, not about violent events; ``survey instruments check`` enforces it).
    feedback_page: bool = False
    audio: Text = field(default_factory=dict)
    image: str | None = None
    show_if: Condition | None = None

    def text_for(self, language: str, age_band: AgeBand | None = None) -> str:
        """Return the wording for a language and, for children, their age band."""
        if age_band is not None and age_band in self.text_by_age:
            return self.text_by_age[age_band][language]
        return self.text[language]


#: How a score is built from its items (``scoring`` computes them):
#: ``mean`` and ``sum`` (prorated) of the answers after reverse coding; ``any``: 1 when at
#: least one item's answer is above its lowest choice (an event happened), else 0, so its
#: mean is the share with at least one event; ``count``: the estimated number of events,
#: the sum of the declared counts of the answers' bands, optionally ``per`` the declared
#: count of another item's answer (events per shift worked).
SCORE_METHODS = ("mean", "sum", "any", "count")


@dataclass(frozen=True)
class Score:
    """A scale score built from items (see ``SCORE_METHODS``)."""

    id: str
    label: Text
    method: str
    items: tuple[str, ...]
    #: Share of the shown items that must have a value for the score to exist.
    min_answered: float
    #: "better" or "worse": what a higher score means (for codebooks and readers).
    higher_is: str = "better"
    #: The age bands whose children the score compares (all: a core score; 10-12 and 13-18:
    #: an extended one). Every item must be asked of each of them, unless ``as_released``.
    age_bands: tuple[AgeBand, ...] = tuple(AgeBand)
    #: Released before the like-with-like rules: its items may differ by age band (so it
    #: compares only within an age band) and it may hold every item of another score.
    as_released: bool = False
    #: For ``count``: the item whose answer's declared count divides the sum (e.g. shifts).
    per: str | None = None
    #: A ``sum`` or ``count`` is multiplied by this: as a published scale prescribes (WHO-5:
    #: raw 0–25 × 4), or to give a rate per 10 shifts rather than per shift.
    times: float = 1.0


@dataclass(frozen=True)
class Instrument:
    """One version of a questionnaire."""

    key: str
    version: int
    respondent: Group
    prefix: str
    title: Text
    intro: Text
    scales: dict[str, Scale]
    ladders: dict[str, Ladder]
    items: tuple[Item, ...]
    scores: tuple[Score, ...]
    #: Where a published instrument comes from and under what licence (codebook).
    source: str | None = None
    path: Path | None = None
    #: Recorded speech of the folder (``audio/manifest.json``): language → exact text → file
    #: name in the folder's ``audio/``; ``survey instruments audio`` makes and updates it.
    recordings: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        """Return ``key@version``, the name used in messages and the wording lock."""
        return f"{self.key}@{self.version}"

    @cached_property
    def _items_by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    def item(self, item_id: str) -> Item:
        """Return the item with the given id (KeyError if none)."""
        return self._items_by_id[item_id]

    def recording(self, language: str, text: str) -> str | None:
        """Return the file name (in the folder's ``audio/``) that speaks ``text``, if any."""
        return self.recordings.get(language, {}).get(text)

    def has_recording(self, name: str) -> bool:
        """Tell whether ``name`` is a recording listed for this instrument's folder."""
        return any(name in by_text.values() for by_text in self.recordings.values())

    def items_for(self, age_band: AgeBand | None) -> tuple[Item, ...]:
        """Return the items asked of a respondent in the given age band (all, for staff)."""
        return self._items_by_band[age_band]

    @cached_property
    def _items_by_band(self) -> dict[AgeBand | None, tuple[Item, ...]]:
        by_band = {
            band: tuple(item for item in self.items if band in item.age_bands) for band in AgeBand
        }
        return {None: self.items, **by_band}

    def scale_for(self, item: Item, steps: int | None = None) -> Scale:
        """Return the scale an item is shown with: its own, or its ladder's rung of ``steps``."""
        if item.ladder is None:
            return self.scales[item.scale]  # type: ignore[index]
        return self.scales[self.ladders[item.ladder].rungs[steps or max(LADDER_STEPS)]]

    def reference_scale(self, item: Item) -> Scale:
        """Return the scale scores are expressed on for this item (the ladder's longest rung)."""
        return self.scale_for(item, None)

    def harmonise(self, item: Item, scale_key: str, code: int) -> Harmonised:
        """Return what an answer means on the item's reference scale and common variable.

        Raises ValueError for a scale the item is never shown with.
        """
        if scale_key not in self.scale_keys_for(item):
            raise ValueError(f"{item.id} is never shown with scale {scale_key!r}")
        if item.ladder is None:
            return Harmonised(code, None)
        ladder = self.ladders[item.ladder]
        steps = ladder.steps_of(scale_key)
        common = ladder.common.codes[steps][code] if ladder.common else None
        return Harmonised(ladder.meaning(steps, code), common)

    def is_shown(self, item: Item, values: dict[str, tuple[str, int | None]]) -> bool:
        """Tell whether ``item`` is asked, given earlier answers as item id → (scale, value)."""
        condition = item.show_if
        if condition is None:
            return True
        for earlier in condition.items:
            scale_key, value = values.get(earlier, ("", None))
            if value is None:
                continue
            if condition.above_lowest and value != self.scales[scale_key].codes[0]:
                return True
            if value in condition.codes:
                return True
        return False

    def scale_keys_for(self, item: Item) -> tuple[str, ...]:
        """Return every scale the item can be shown with."""
        if item.ladder is None:
            return (item.scale,)  # type: ignore[return-value]
        return tuple(self.ladders[item.ladder].rungs[steps] for steps in LADDER_STEPS)
