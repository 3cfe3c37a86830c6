"""Marshmallow schemas for instrument files: structure and types, turned into model objects."""

from __future__ import annotations

from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from survey.enums import AgeBand, Group
from survey.instruments.model import (
    LANGUAGES,
    SCORE_METHODS,
    CommonVariable,
    Condition,
    Item,
    Ladder,
    Point,
    Scale,
    Score,
)

AGE_BANDS = [band.value for band in AgeBand]
IDENTIFIER = validate.Regexp(
    r"^[a-z][a-z0-9_]*$", error="must be lower-case letters, digits and _ (starting with a letter)"
)


class Translated(fields.Field):
    """A text in every language: a mapping ``{da: …, en: …}`` with no empty or extra entry."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dict:
        if not isinstance(value, dict):
            raise ValidationError("must give the text per language, e.g. {da: …, en: …}")
        missing = [language for language in LANGUAGES if not str(value.get(language) or "").strip()]
        if missing:
            raise ValidationError(f"missing translation: {', '.join(missing)}")
        extra = sorted(set(value) - set(LANGUAGES))
        if extra:
            raise ValidationError(f"unknown language: {', '.join(map(str, extra))}")
        return {language: " ".join(str(value[language]).split()) for language in LANGUAGES}


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class PointSchema(_Strict):
    """One answer choice."""

    code = fields.Integer(required=True, strict=True)
    label = Translated(required=True)
    picture = fields.String(validate=IDENTIFIER)
    count = fields.Float(validate=validate.Range(min=0))

    @post_load
    def make(self, data: dict, **_kwargs: Any) -> Point:
        return Point(**data)


class ScaleSchema(_Strict):
    """A response scale; the key comes from the mapping that holds it."""

    ordinal = fields.Boolean(load_default=True)
    points = fields.List(fields.Nested(PointSchema), required=True, validate=validate.Length(min=2))


class ConditionSchema(_Strict):
    """``show_if``: an earlier item and the answers that show this one."""

    item = fields.String()
    any_of = fields.List(fields.String(), validate=validate.Length(min=2))
    codes = fields.List(fields.Integer(strict=True), data_key="in", validate=validate.Length(min=1))
    above_lowest = fields.Boolean()

    @validates_schema
    def one_rule(self, data: dict, **_kwargs: Any) -> None:
        if ("item" in data) == ("any_of" in data):
            raise ValidationError("give either 'item: id' or 'any_of: [ids]'")
        if bool(data.get("codes")) == bool(data.get("above_lowest")):
            raise ValidationError("give either 'in: [codes]' or 'above_lowest: true'")
        if "any_of" in data and not data.get("above_lowest"):
            raise ValidationError("'any_of' works with 'above_lowest: true'")

    @post_load
    def make(self, data: dict, **_kwargs: Any) -> Condition:
        items = [data["item"]] if "item" in data else data["any_of"]
        return Condition(
            item=items[0],
            codes=tuple(data.get("codes", ())),
            above_lowest=data.get("above_lowest", False),
            others=tuple(items[1:]),
        )


class ItemSchema(_Strict):
    """One item."""

    id = fields.String(required=True, validate=IDENTIFIER)
    text = Translated(required=True)
    scale = fields.String()
    ladder = fields.String()
    text_by_age = fields.Dict(
        keys=fields.String(validate=validate.OneOf(AGE_BANDS)), values=Translated()
    )
    age_bands = fields.List(
        fields.String(validate=validate.OneOf(AGE_BANDS)), validate=validate.Length(min=1)
    )
    reverse = fields.Boolean(load_default=False)
    private = fields.Boolean(load_default=False)
    feedback_page = fields.Boolean(load_default=False)
    audio = fields.Dict(
        keys=fields.String(validate=validate.OneOf(LANGUAGES)), values=fields.String()
    )
    image = fields.String()
    show_if = fields.Nested(ConditionSchema)

    @validates_schema
    def one_scale(self, data: dict, **_kwargs: Any) -> None:
        if ("scale" in data) == ("ladder" in data):
            raise ValidationError("give either 'scale' (staff) or 'ladder' (children)")

    @post_load
    def make(self, data: dict, **_kwargs: Any) -> Item:
        if "text_by_age" in data:
            data["text_by_age"] = {
                AgeBand(band): text for band, text in data["text_by_age"].items()
            }
        if "age_bands" in data:
            data["age_bands"] = tuple(AgeBand(band) for band in data["age_bands"])
        return Item(**data)


class ScoreSchema(_Strict):
    """A scale score."""

    id = fields.String(required=True, validate=IDENTIFIER)
    label = Translated(required=True)
    method = fields.String(required=True, validate=validate.OneOf(SCORE_METHODS))
    higher_is = fields.String(required=True, validate=validate.OneOf(["better", "worse"]))
    items = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    age_bands = fields.List(
        fields.String(validate=validate.OneOf(AGE_BANDS)), validate=validate.Length(min=1)
    )
    as_released = fields.Boolean(load_default=False)
    per = fields.String()
    times = fields.Float(load_default=1.0, validate=validate.Range(min=0, min_inclusive=False))
    min_answered = fields.Float(
        load_default=0.5,
        validate=validate.Range(
            min=0, max=1, min_inclusive=False, error="must be above 0 and at most 1"
        ),
    )

    @post_load
    def make(self, data: dict, **_kwargs: Any) -> Score:
        if "age_bands" in data:
            data["age_bands"] = tuple(AgeBand(band) for band in data["age_bands"])
        return Score(**{**data, "items": tuple(data["items"])})


def _code_map(values: fields.Field, **kwargs: Any) -> fields.Dict:
    """{number of choices: {answer code: value}}."""
    return fields.Dict(
        keys=fields.Integer(), values=fields.Dict(keys=fields.Integer(), values=values), **kwargs
    )


class CommonSchema(_Strict):
    """``common``: the coarser variable every rung of a ladder maps to."""

    suffix = fields.String(required=True, validate=IDENTIFIER)
    label = Translated(required=True)
    points = fields.List(fields.Nested(PointSchema), required=True, validate=validate.Length(min=2))
    codes = _code_map(fields.Integer(strict=True), required=True)


class LadderSchema(_Strict):
    """A ladder: its rungs, what their answers mean on the longest rung, a common variable."""

    rungs = fields.Dict(keys=fields.Integer(), values=fields.String(), required=True)
    means = _code_map(fields.Integer(strict=True, allow_none=True))
    common = fields.Nested(CommonSchema)
    report_common = fields.Boolean(load_default=False)


def _ladders() -> fields.Dict:
    """A mapping of ladder names to ladders."""
    return fields.Dict(
        keys=fields.String(validate=IDENTIFIER),
        values=fields.Nested(LadderSchema),
        load_default=dict,
    )


def make_ladders(raw: dict[str, dict]) -> dict[str, Ladder]:
    """Return Ladder objects for loaded ``ladders`` mappings."""
    ladders = {}
    for name, spec in raw.items():
        common = spec.get("common")
        ladders[name] = Ladder(
            name=name,
            rungs=spec["rungs"],
            means=spec.get("means", {}),
            common=CommonVariable(
                suffix=common["suffix"],
                label=common["label"],
                scale=Scale(key=f"{name}_{common['suffix']}", points=tuple(common["points"])),
                codes=common["codes"],
            )
            if common
            else None,
            report_common=spec["report_common"],
        )
    return ladders


class ScaleLibrarySchema(_Strict):
    """``scales.yaml``: response scales and ladders shared by every instrument."""

    scales = fields.Dict(
        keys=fields.String(validate=IDENTIFIER),
        values=fields.Nested(ScaleSchema),
        load_default=dict,
    )
    ladders = _ladders()


class InstrumentSchema(_Strict):
    """An instrument file."""

    key = fields.String(required=True, validate=IDENTIFIER)
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    respondent = fields.String(required=True, validate=validate.OneOf([g.value for g in Group]))
    #: Start of every variable name of the instrument (``cw`` → ``cw_01``).
    prefix = fields.String(
        required=True,
        validate=validate.Regexp(r"^[a-z]{2,4}$", error="must be 2–4 lower-case letters"),
    )
    title = Translated(required=True)
    intro = Translated(required=True)
    #: Where a published instrument comes from and its licence (shown in the codebook).
    source = fields.String()
    scales = fields.Dict(
        keys=fields.String(validate=IDENTIFIER),
        values=fields.Nested(ScaleSchema),
        load_default=dict,
    )
    ladders = _ladders()
    items = fields.List(fields.Nested(ItemSchema), required=True, validate=validate.Length(min=1))
    scores = fields.List(fields.Nested(ScoreSchema), required=True, validate=validate.Length(min=1))


def make_scales(raw: dict[str, dict]) -> dict[str, Scale]:
    """Return Scale objects for loaded ``scales`` mappings."""
    return {
        key: Scale(key=key, points=tuple(spec["points"]), ordinal=spec["ordinal"])
        for key, spec in raw.items()
    }
