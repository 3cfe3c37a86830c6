"""Rules an instrument must follow beyond its file structure (CHILD-QUESTIONNAIRES.md)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from survey.enums import AgeBand, Group
from survey.instruments.lock import wording_fingerprints
from survey.instruments.model import (
    LADDER_STEPS,
    LANGUAGES,
    Condition,
    Instrument,
    Item,
    Ladder,
    Scale,
    Score,
)
from survey.instruments.periods import fill, unknown_fields
from survey.instruments.problems import Problem
from survey.instruments.readability import lix, long_words, words

#: Variable names must be safe in SPSS and Stata: letters, digits, _, at most 32 characters.
MAX_VARIABLE_LENGTH = 32
#: Danish child text must stay below this LIX per instrument and age band; staff text warns.
CHILD_LIX_LIMIT = 25
STAFF_LIX_LIMIT = 35
#: Words per item: about 10 for ages 6–9 and 15 for older children (warnings).
WORD_LIMITS = {AgeBand.AGE_6_9: 10, AgeBand.AGE_10_12: 15, AgeBand.AGE_13_18: 15}
#: Most child items one session may hold, over all child instruments, per age band.
SESSION_CAPS = {AgeBand.AGE_6_9: 15, AgeBand.AGE_10_12: 30, AgeBand.AGE_13_18: 40}
#: Negations that child items must not use, per language (negative content is fine).
NEGATIONS = {"da": re.compile(r"\bikke\b", re.I), "en": re.compile(r"\bnot\b|n't\b", re.I)}


@dataclass(frozen=True)
class Readability:
    """LIX of an instrument's text in one language for one age band (None: staff)."""

    language: str
    age_band: AgeBand | None
    lix: float
    #: Ids of the items with the most words, longest first.
    longest_items: tuple[str, ...]


def _problem(
    instrument: Instrument, item: str | None, message: str, severity: str = "error"
) -> Problem:
    return Problem(str(instrument.path), item, message, severity)


def check_instrument(instrument: Instrument) -> list[Problem]:
    """Return every problem of one structurally valid instrument."""
    problems: list[Problem] = []
    problems += _check_scales(instrument)
    problems += [
        _problem(instrument, None, f"intro: unknown field {field} (only {{period}} is filled in)")
        for field in sorted({f for text in instrument.intro.values() for f in unknown_fields(text)})
    ]
    seen: list[str] = []
    for item in instrument.items:
        problems += _check_item(instrument, item, seen)
        seen.append(item.id)
    problems += _check_scores(instrument)
    if not any(problem.is_error for problem in problems):
        problems += _check_readability(instrument)
    return problems


def _check_scales(instrument: Instrument) -> list[Problem]:
    problems = []
    for scale in instrument.scales.values():
        duplicates = [code for code, n in Counter(scale.codes).items() if n > 1]
        if duplicates:
            problems.append(
                _problem(instrument, None, f"scale {scale.key}: duplicate code {duplicates[0]}")
            )
        counts = [point.count for point in scale.points if point.count is not None]
        if counts and (len(counts) < len(scale.points) or counts != sorted(set(counts))):
            problems.append(
                _problem(
                    instrument,
                    None,
                    f"scale {scale.key}: give a count on every choice, rising from choice "
                    "to choice",
                )
            )
    for ladder in instrument.ladders.values():
        messages = _ladder_rungs(instrument, ladder)
        if not messages:
            messages = _ladder_meanings(instrument, ladder)
        problems += [_problem(instrument, None, f"ladder {ladder.name}: {m}") for m in messages]
    return problems


def _ladder_rungs(instrument: Instrument, ladder: Ladder) -> list[str]:
    if sorted(ladder.rungs) != sorted(LADDER_STEPS):
        return [f"needs the rungs {', '.join(map(str, LADDER_STEPS))}"]
    messages = []
    for steps, key in ladder.rungs.items():
        scale = instrument.scales.get(key)
        if scale is None:
            messages.append(f"unknown scale {key!r}")
        elif len(scale.points) != steps:
            messages.append(f"scale {key} has {len(scale.points)} choices, not {steps}")
    return messages


def _ladder_meanings(instrument: Instrument, ladder: Ladder) -> list[str]:
    """Every answer on a shorter rung states its meaning; a common variable where one is vague."""
    reference = ladder.reference_steps
    codes = {steps: instrument.scales[key].codes for steps, key in ladder.rungs.items()}
    messages = [
        f"means: rung {steps} needs no declaration"
        for steps in ladder.means
        if steps not in codes or steps == reference
    ]
    vague = False
    for steps in sorted(codes, reverse=True)[1:]:
        means = ladder.means.get(steps, {})
        if sorted(means) != sorted(codes[steps]):
            messages.append(
                f"means: rung {steps} must give the meaning of each of {list(codes[steps])}"
            )
            continue
        declared = [means[code] for code in codes[steps] if means[code] is not None]
        vague = vague or len(declared) < len(means)
        if any(code not in codes[reference] for code in declared):
            messages.append(f"means: rung {steps} names a code not on the {reference}-point rung")
        elif declared != sorted(declared):
            messages.append(f"means: rung {steps} must keep the order of the choices")
    common = ladder.common
    if common is None:
        if vague:
            messages.append("an answer has no single equivalent, so declare a 'common' variable")
        if ladder.report_common:
            messages.append("report_common needs a 'common' variable")
        return messages
    for steps in sorted(codes, reverse=True):
        mapped = common.codes.get(steps, {})
        if sorted(mapped) != sorted(codes[steps]):
            messages.append(f"common: rung {steps} must map each of {list(codes[steps])}")
        elif any(code not in common.scale.codes for code in mapped.values()):
            messages.append(f"common: rung {steps} maps to a code not among its points")
        elif messages:
            break  # the reference rung or the meanings are wrong: nothing to compare with
        elif steps != reference and any(
            meaning is not None and mapped[code] != common.codes[reference][meaning]
            for code, meaning in ladder.means[steps].items()
        ):
            messages.append(f"common: rung {steps} disagrees with what its answers mean")
    return messages


def _check_item(instrument: Instrument, item: Item, earlier: list[str]) -> list[Problem]:
    problems = []

    def add(message: str, severity: str = "error") -> None:
        problems.append(_problem(instrument, item.id, message, severity))

    if item.id in earlier:
        add("duplicate item id")
    if not item.id.startswith(f"{instrument.prefix}_") or len(item.id) > MAX_VARIABLE_LENGTH:
        add(
            f"id must start with '{instrument.prefix}_' and have at most "
            f"{MAX_VARIABLE_LENGTH} characters"
        )

    texts = [*item.text.values(), *(t for by in item.text_by_age.values() for t in by.values())]
    for field in sorted({field for text in texts for field in unknown_fields(text)}):
        add(f"unknown field {field} in the text (only {{period}} is filled in)")

    child = instrument.respondent is Group.CHILD
    if child and item.ladder is None:
        add("child items need a 'ladder' (the 5-, 3- and 2-point versions), not a single 'scale'")
    if not child and item.ladder is not None:
        add("staff items use a 'scale', not a 'ladder'")
    if not child and (item.text_by_age or item.age_bands != tuple(AgeBand)):
        add("staff items have no age bands")
    if item.ladder is not None and item.ladder not in instrument.ladders:
        add(f"unknown ladder {item.ladder!r}")
        return problems
    if item.scale is not None and item.scale not in instrument.scales:
        add(f"unknown scale {item.scale!r}")
        return problems
    if not _resolvable(instrument, item):
        return problems  # the ladder itself is broken, and reported once
    if item.ladder is not None:
        common = instrument.ladders[item.ladder].common
        suffixes = [f"_r{steps}" for steps in LADDER_STEPS] + (
            [f"_{common.suffix}"] if common else []
        )
        longest = max(suffixes, key=len)
        if len(item.id + longest) > MAX_VARIABLE_LENGTH:
            add(
                f"id is too long for the exported variable {item.id}{longest} "
                f"(at most {MAX_VARIABLE_LENGTH} characters)"
            )
    scales = [instrument.scales[key] for key in instrument.scale_keys_for(item)]
    if item.reverse and not all(scale.ordinal for scale in scales):
        add("reverse is set, but the scale is not ordinal")
    if child:
        for scale in scales:
            if any(point.picture is None for point in scale.points):
                add(f"scale {scale.key} needs a picture on every choice for child layouts")
            elif item.reverse and not _mirrors(scale):
                add(f"reverse is set, but the faces of scale {scale.key} do not mirror")
        for band in item.text_by_age:
            if band not in item.age_bands:
                add(f"text for age band {band.value}, which the item is not asked of")
        problems += _check_child_wording(instrument, item)
    problems += _check_child_page(instrument, item)
    problems += _check_condition(instrument, item, earlier)
    problems += _check_media(instrument, item)
    return problems


def _check_child_page(instrument: Instrument, item: Item) -> list[Problem]:
    """The children's page shows only kind, positively worded questions that are not private."""
    if not item.feedback_page:
        return []
    reasons = []
    if instrument.respondent is not Group.CHILD:
        reasons.append("it is not a child item")
    if item.private:
        reasons.append("it is private")
    if item.reverse:
        reasons.append("it is negatively worded (reverse)")
    pictures = [point.picture or "" for point in instrument.reference_scale(item).points]
    if any(picture.startswith("count_") for picture in pictures):
        reasons.append("it asks about events (violence or force)")
    return [
        _problem(instrument, item.id, f"feedback_page is set, but {reason}") for reason in reasons
    ]


def _check_child_wording(instrument: Instrument, item: Item) -> list[Problem]:
    problems = []
    for band in item.age_bands:
        for language in LANGUAGES:
            text = fill(item.text_for(language, band), language)
            if not text.endswith("?"):
                problems.append(
                    _problem(
                        instrument,
                        item.id,
                        f"{language} {band.value}: child items are questions (end with '?')",
                    )
                )
            if NEGATIONS[language].search(text):
                problems.append(
                    _problem(
                        instrument, item.id, f"{language} {band.value}: no negations in child items"
                    )
                )
        danish = fill(item.text_for("da", band), "da")
        if len(words(danish)) > WORD_LIMITS[band]:
            problems.append(
                _problem(
                    instrument,
                    item.id,
                    f"da {band.value}: {len(words(danish))} words "
                    f"(aim for at most {WORD_LIMITS[band]})",
                    "warning",
                )
            )
        if band is AgeBand.AGE_6_9 and len(long_words(danish)) > 1:
            problems.append(
                _problem(
                    instrument, item.id, "da 6-9: more than one word over 6 letters", "warning"
                )
            )
    return problems


def _mirrors(scale: Scale) -> bool:
    """Tell whether the scale's faces read the same mirrored (face_1 <-> face_5, face_3 stays).

    A reverse item shows its faces mirrored; faces for a one-sided amount (face_3 for "Lidt",
    face_6 for "Rigtig meget") would then say the wrong thing.
    """
    faces = [point.picture or "" for point in scale.points]
    if not all(face.startswith("face_") for face in faces):
        return True  # count pictures are not mirrored
    return all(
        int(low[5:]) + int(high[5:]) == 6 for low, high in zip(faces, reversed(faces), strict=True)
    )


def _check_condition(instrument: Instrument, item: Item, earlier: list[str]) -> list[Problem]:
    condition = item.show_if
    if condition is None:
        return []
    problems = []
    for target_id in condition.items:
        message = _condition_target(instrument, item, condition, target_id, earlier)
        if message:
            problems.append(_problem(instrument, item.id, message))
    return problems


def _condition_target(
    instrument: Instrument, item: Item, condition: Condition, target_id: str, earlier: list[str]
) -> str | None:
    if target_id == item.id:
        return "show_if points to the item itself"
    if target_id not in earlier:
        ids = [known.id for known in instrument.items]
        where = "a later item" if target_id in ids else "an unknown item"
        return f"show_if points to {where} ({target_id}); it must point back"
    target = instrument.item(target_id)
    if target.private != item.private:
        # Private questions are asked together, at the end: a follow-up must go with its question.
        return f"show_if on {target.id}: a follow-up must be private exactly when its question is"
    if condition.codes:
        if target.ladder is not None:
            return f"show_if on {target.id} (a ladder item) must use above_lowest"
        unknown = [
            code for code in condition.codes if code not in instrument.scale_for(target).codes
        ]
        if unknown:
            return f"show_if code {unknown[0]} is not on the scale of {target.id}"
    return None


def _check_media(instrument: Instrument, item: Item) -> list[Problem]:
    problems = []
    folder = instrument.path.parent if instrument.path else Path()
    for label, relative in [
        *(("audio " + k, v) for k, v in item.audio.items()),
        ("image", item.image),
    ]:
        if relative is None:
            continue
        path = Path(relative)
        if path.is_absolute() or ".." in path.parts:
            problems.append(
                _problem(instrument, item.id, f"{label}: give a path inside the instrument folder")
            )
        elif not (folder / path).is_file():
            problems.append(_problem(instrument, item.id, f"{label}: file {relative} not found"))
    return problems


def _check_scores(instrument: Instrument) -> list[Problem]:
    problems = []
    item_ids = {item.id for item in instrument.items}
    seen = set()
    for score in instrument.scores:
        variable = f"{instrument.prefix}_{score.id}"
        if score.id in seen or variable in item_ids:
            problems.append(
                _problem(instrument, score.id, f"score name {variable} is already taken")
            )
        seen.add(score.id)
        unknown = [i for i in (*score.items, score.per or "") if i and i not in item_ids]
        problems += [
            _problem(instrument, score.id, f"score refers to unknown item {item_id!r}")
            for item_id in unknown
        ]
        known = [instrument.item(i) for i in score.items if i in item_ids]
        resolvable = [item for item in known if _resolvable(instrument, item)]
        messages = (
            _count_score(instrument, score, resolvable)
            if score.method in ("any", "count")
            else _scale_score(instrument, score, resolvable)
        )
        messages += _score_ages(instrument, score, known)
        problems += [_problem(instrument, score.id, message) for message in messages]
    problems += _nested_scores(instrument)
    return problems


def _scale_score(instrument: Instrument, score: Score, items: list[Item]) -> list[str]:
    """A mean or sum: ordinal items on scales of one range, no denominator."""
    messages = [
        f"item {item.id} has a nominal scale and cannot be scored"
        for item in items
        if not instrument.reference_scale(item).ordinal
    ]
    ranges = {
        (min(scale.codes), max(scale.codes))
        for scale in (instrument.reference_scale(item) for item in items)
    }
    if len(ranges) > 1:
        messages.append("score mixes items on scales with different ranges")
    if score.per is not None:
        messages.append(f"'per' needs method: count, not {score.method}")
    if score.times != 1 and score.method != "sum":
        messages.append(f"'times' needs method: sum or count, not {score.method}")
    return messages


def _count_score(instrument: Instrument, score: Score, items: list[Item]) -> list[str]:
    """Events: every item's (reference) choices are count bands starting at none."""
    messages = [
        f"item {item.id} needs a count on every choice of {instrument.reference_scale(item).key} "
        "(the number of events each band stands for, starting at 0)"
        for item in items
        if not _counts_from_zero(instrument.reference_scale(item))
    ]
    if score.times != 1 and score.method != "count":
        messages.append(f"'times' needs method: sum or count, not {score.method}")
    if score.per is None or score.per not in {item.id for item in instrument.items}:
        return messages
    if score.method != "count":
        messages.append(f"'per' needs method: count, not {score.method}")
    denominator = instrument.item(score.per)
    if score.per in score.items:
        messages.append(f"'per' item {score.per} cannot also be one of the score's items")
    elif (
        not _resolvable(instrument, denominator)
        or not instrument.reference_scale(denominator).counts
    ):
        messages.append(f"'per' item {score.per} needs a count on every choice of its scale")
    elif denominator.show_if is not None:
        messages.append(f"'per' item {score.per} must be asked of everyone (no show_if)")
    return messages


def _counts_from_zero(scale: Scale) -> bool:
    return scale.counts and scale.points[0].count == 0


def _score_ages(instrument: Instrument, score: Score, items: list[Item]) -> list[str]:
    """A score compares like with like: every item is asked of every age band it covers
    (else a site's change would mix with a change in its age mix)."""
    if instrument.respondent is not Group.CHILD:
        return [] if score.age_bands == tuple(AgeBand) else ["staff scores have no age bands"]
    if score.as_released:
        return []
    for item in items:
        missing = [band.value for band in score.age_bands if band not in item.age_bands]
        if missing:
            covered = ", ".join(band.value for band in score.age_bands)
            return [
                f"item {item.id} is not asked of {', '.join(missing)}, but the score covers "
                f"{covered}; build it from items asked at each of its ages, set its age_bands, "
                "or mark it as_released: true (released versions only)"
            ]
    return []


def _nested_scores(instrument: Instrument) -> list[Problem]:
    """No score contains another of its kind: a change in one would show up twice. (The
    share with an event, the estimated count and the rate per shift are three kinds; an
    extended score for fewer age bands may hold its core score's items.)"""
    problems = []
    for outer in (score for score in instrument.scores if not score.as_released):
        for inner in instrument.scores:
            if (
                inner is not outer
                and (inner.method, inner.per) == (outer.method, outer.per)
                and set(inner.items) <= set(outer.items)
                # An extended score for fewer age bands may build on its core score.
                and not set(outer.age_bands) < set(inner.age_bands)
            ):
                problems.append(
                    _problem(
                        instrument,
                        outer.id,
                        f"score contains every item of score {inner.id}; keep scores apart",
                    )
                )
    return problems


def _resolvable(instrument: Instrument, item: Item) -> bool:
    """Tell whether every scale the item can be shown with exists."""
    if item.ladder is not None:
        ladder = instrument.ladders.get(item.ladder)
        return ladder is not None and all(
            ladder.rungs.get(steps) in instrument.scales for steps in LADDER_STEPS
        )
    return item.scale in instrument.scales


def readability(instrument: Instrument) -> list[Readability]:
    """Return the LIX of the instrument's item text per language and age band."""
    bands: list[AgeBand | None] = list(AgeBand) if instrument.respondent is Group.CHILD else [None]
    report = []
    for language in LANGUAGES:
        for band in bands:
            items = instrument.items_for(band)
            if not items:
                continue
            texts = {item.id: fill(item.text_for(language, band), language) for item in items}
            longest = sorted(texts, key=lambda item_id: len(words(texts[item_id])), reverse=True)
            report.append(Readability(language, band, lix(texts.values()), tuple(longest[:3])))
    return report


def _check_readability(instrument: Instrument) -> list[Problem]:
    problems = []
    for entry in readability(instrument):
        if entry.language != "da":
            continue
        band = entry.age_band.value if entry.age_band else "staff"
        longest = ", ".join(entry.longest_items)
        if entry.age_band is not None and entry.lix >= CHILD_LIX_LIMIT:
            problems.append(
                _problem(
                    instrument,
                    None,
                    f"da {band}: LIX {entry.lix:.1f} must stay below {CHILD_LIX_LIMIT}; "
                    f"longest items: {longest}",
                )
            )
        if entry.age_band is None and entry.lix >= STAFF_LIX_LIMIT:
            problems.append(
                _problem(
                    instrument,
                    None,
                    f"da staff: LIX {entry.lix:.1f} is {STAFF_LIX_LIMIT} or more; "
                    f"longest items: {longest}",
                    "warning",
                )
            )
    return problems


def _meaning(instrument: Instrument, item: Item) -> tuple:
    """What an item's variable means: its wording per age band and its scales, its direction,
    and when it is asked (an age band may be added or dropped in a new version)."""
    return (wording_fingerprints(instrument)[item.id], item.reverse, item.show_if)


def _versions_agree(instruments: list[Instrument]) -> list[Problem]:
    """A variable name means one thing in every version of an instrument: an item or score
    that changes gets a new name, so exports can put the versions' answers side by side."""
    problems = []
    first: dict[tuple[str, str], tuple[Instrument, tuple]] = {}
    for instrument in sorted(instruments, key=lambda i: (i.key, i.version)):
        defined = [(item.id, _meaning(instrument, item)) for item in instrument.items] + [
            (f"{instrument.prefix}_{score.id}", _score_meaning(score))
            for score in instrument.scores
        ]
        for name, meaning in defined:
            earlier, earlier_meaning = first.setdefault(
                (instrument.key, name), (instrument, meaning)
            )
            if earlier_meaning != meaning:
                problems.append(
                    Problem(
                        str(instrument.path),
                        name,
                        f"means something else in {earlier.ref}; a changed item or score "
                        "needs a new name",
                    )
                )
    return problems


def _score_meaning(score: Score) -> tuple:
    return (
        score.method,
        score.items,
        score.per,
        score.age_bands,
        score.min_answered,
        score.higher_is,
        score.times,
    )


def check_collection(instruments: list[Instrument]) -> list[Problem]:
    """Return problems between instruments: duplicate versions, shared names, session length."""
    problems = []
    refs = Counter((instrument.key, instrument.version) for instrument in instruments)
    for (key, version), n in refs.items():
        if n > 1:
            problems.append(Problem(key, None, f"version {version} exists in {n} files"))
    owners: dict[str, str] = {}
    for instrument in instruments:
        for variable in [item.id for item in instrument.items] + [
            f"{instrument.prefix}_{s.id}" for s in instrument.scores
        ]:
            owner = owners.setdefault(variable, instrument.key)
            if owner != instrument.key:
                problems.append(
                    Problem(str(instrument.path), variable, f"variable name also used by {owner}")
                )
    problems += _versions_agree(instruments)
    newest: dict[str, Instrument] = {}
    for instrument in instruments:
        if (
            instrument.respondent is Group.CHILD
            and instrument.version >= newest.get(instrument.key, instrument).version
        ):
            newest[instrument.key] = instrument
    for band, cap in SESSION_CAPS.items():
        total = sum(len(instrument.items_for(band)) for instrument in newest.values())
        if total > cap:
            problems.append(
                Problem(
                    "child instruments",
                    None,
                    f"age band {band.value}: {total} items in one session, more than {cap}",
                )
            )
    return problems
