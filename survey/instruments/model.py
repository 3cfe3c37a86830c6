"""Instruments as plain immutable objects, built from validated YAML files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from survey.models.enums import AgeBand, Group, MissingCode

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

    def position(self, code: int) -> float:
        """Return where ``code`` lies between the first (0.0) and last (1.0) choice."""
        index = self.codes.index(code)
        return index / (len(self.points) - 1)


@dataclass(frozen=True)
class Condition:
    """Show an item only after a given answer to an earlier item."""

    item: str
    #: The earlier answer must be one of these codes (items with one fixed scale) ...
    codes: tuple[int, ...] = ()
    #: ... or any choice above the lowest one (works on every rung of a ladder).
    above_lowest: bool = False


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
    audio: Text = field(default_factory=dict)
    image: str | None = None
    show_if: Condition | None = None

    def text_for(self, language: str, age_band: AgeBand | None = None) -> str:
        """Return the wording for a language and, for children, their age band."""
        if age_band is not None and age_band in self.text_by_age:
            return self.text_by_age[age_band][language]
        return self.text[language]


@dataclass(frozen=True)
class Score:
    """A scale score: the mean or (prorated) sum of items, after reverse coding."""

    id: str
    label: Text
    method: str
    items: tuple[str, ...]
    #: Share of the shown items that must have a value for the score to exist.
    min_answered: float


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
    ladders: dict[str, dict[int, str]]
    items: tuple[Item, ...]
    scores: tuple[Score, ...]
    path: Path | None = None

    @property
    def ref(self) -> str:
        """Return ``key@version``, the name used in messages and the wording lock."""
        return f"{self.key}@{self.version}"

    def item(self, item_id: str) -> Item:
        """Return the item with the given id (KeyError if none)."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def items_for(self, age_band: AgeBand | None) -> tuple[Item, ...]:
        """Return the items asked of a respondent in the given age band (all, for staff)."""
        if age_band is None:
            return self.items
        return tuple(item for item in self.items if age_band in item.age_bands)

    def scale_for(self, item: Item, steps: int | None = None) -> Scale:
        """Return the scale an item is shown with: its own, or its ladder's rung of ``steps``."""
        if item.ladder is None:
            return self.scales[item.scale]  # type: ignore[index]
        return self.scales[self.ladders[item.ladder][steps or max(LADDER_STEPS)]]

    def reference_scale(self, item: Item) -> Scale:
        """Return the scale scores are expressed on for this item (the ladder's longest rung)."""
        return self.scale_for(item, None)

    def is_shown(self, item: Item, values: dict[str, tuple[str, int | None]]) -> bool:
        """Tell whether ``item`` is asked, given earlier answers as item id → (scale, value)."""
        condition = item.show_if
        if condition is None:
            return True
        scale_key, value = values.get(condition.item, ("", None))
        if value is None:
            return False
        if condition.above_lowest:
            return self.scales[scale_key].position(value) > 0
        return value in condition.codes

    def scale_keys_for(self, item: Item) -> tuple[str, ...]:
        """Return every scale the item can be shown with."""
        if item.ladder is None:
            return (item.scale,)  # type: ignore[return-value]
        return tuple(self.ladders[item.ladder][steps] for steps in LADDER_STEPS)
