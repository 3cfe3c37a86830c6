"""Synthetic answers for the demo study: seeded, plausible, with missing and unfinished ones.

Each participant gets a latent wellbeing level; sites differ a little; children's answers
follow their age band's scale or a stepped-down one; a few say "not today", stop half-way,
skip a question or answer "don't know". Nothing here is real data.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta

from survey.extensions import db
from survey.instruments import Registry
from survey.instruments.model import DEFAULT_STEPS, Instrument, Item
from survey.models import (
    Answer,
    AssistanceMode,
    Group,
    MissingCode,
    Participant,
    Round,
    RoundInstrument,
    Submission,
    SubmissionStatus,
)

SEED = 20260301
CHILD_INSTRUMENTS = ("child_wellbeing", "child_inclusion", "situations_child")
STAFF_INSTRUMENTS = ("staff_competence", "staff_wellbeing", "staff_who5", "situations_staff")
#: The baseline was answered on the first released versions (before WHO-5 was added), so the
#: demo study holds both versions, as a real study that moved to version 2 does.
FIRST_VERSIONS = {key: 1 for key in (*CHILD_INSTRUMENTS, *STAFF_INSTRUMENTS) if key != "staff_who5"}
#: Instruments whose items count events: most people report none or few.
EVENT_INSTRUMENTS = {"situations_child", "situations_staff"}
ASSISTANCE_WEIGHTS = {
    AssistanceMode.ALONE: 35,
    AssistanceMode.READING_HELP: 40,
    AssistanceMode.INTERPRETER: 5,
    AssistanceMode.ADULT_ANSWERS: 20,
}
#: Probability that an item is answered "don't know" or "rather not say".
DONT_KNOW, REFUSED = 0.04, 0.02


def assign_instruments(
    round_: Round, registry: Registry, versions: dict[str, int] | None = None
) -> None:
    """Give a round the demo's child and staff instruments: the given versions (only those
    instruments), else the newest version of each."""
    for group, keys in ((Group.CHILD, CHILD_INSTRUMENTS), (Group.STAFF, STAFF_INSTRUMENTS)):
        chosen = [key for key in keys if versions is None or key in versions]
        for position, key in enumerate(chosen):
            round_.instruments.append(
                RoundInstrument(
                    group=group,
                    instrument_key=key,
                    instrument_version=versions[key] if versions else registry.latest(key).version,
                    position=position,
                )
            )


def fill_round(round_: Round, participants: list[Participant], registry: Registry) -> None:
    """Add seeded synthetic submissions and answers for every participant to a round."""
    rng = random.Random(SEED)  # noqa: S311  (reproducible fake data, not secrets)
    site_effects: dict[int, float] = {}
    for participant in sorted(participants, key=lambda p: p.id):
        site_effect = site_effects.setdefault(participant.site_id, rng.gauss(0, 0.4))
        roll = rng.random()
        if roll < 0.05:
            continue  # never started
        status = SubmissionStatus.IN_PROGRESS if roll < 0.15 else SubmissionStatus.COMPLETED
        if participant.group is Group.CHILD and roll > 0.95:
            status = SubmissionStatus.DECLINED
        _add_submission(round_, participant, status, rng, site_effect, registry)


def _add_submission(
    round_: Round,
    participant: Participant,
    status: SubmissionStatus,
    rng: random.Random,
    site_effect: float,
    registry: Registry,
) -> None:
    started = _moment(round_.opens_on, round_.closes_on, rng)
    child = participant.group is Group.CHILD
    choices = round_.instruments_for(participant.group)  # loaded before the half-made row
    submission = Submission(
        participant=participant,
        round=round_,
        status=status,
        layout=participant.layout,
        language=participant.language,
        assistance_mode=_assistance(rng) if child else None,
        started_at=started,
    )
    db.session.add(submission)
    if status is SubmissionStatus.DECLINED:
        return
    steps = _steps(participant, rng) if child else None
    submission.scale_steps = steps
    level = rng.gauss(0.9, 0.9) + site_effect
    answers = []
    for choice in choices:
        instrument = registry.get(choice.instrument_key, choice.instrument_version)
        answers += _answer_instrument(instrument, participant, steps, level, rng)
    if status is SubmissionStatus.IN_PROGRESS:
        answers = answers[: rng.randrange(1, max(2, len(answers) // 2))]
    for seq, answer in enumerate(answers, start=1):
        answer.answered_at = started + timedelta(seconds=20 * seq)
        submission.answers.append(answer)
    if status is SubmissionStatus.COMPLETED:
        submission.completed_at = started + timedelta(seconds=20 * (len(answers) + 1))


def _answer_instrument(
    instrument: Instrument,
    participant: Participant,
    steps: int | None,
    level: float,
    rng: random.Random,
) -> list[Answer]:
    answers: list[Answer] = []
    given: dict[str, tuple[str, int | None]] = {}
    for item in instrument.items_for(participant.age_band):
        scale = instrument.scale_for(item, steps)
        answer = Answer(
            instrument_key=instrument.key,
            instrument_version=instrument.version,
            item_id=item.id,
            scale=scale.key,
        )
        if not instrument.is_shown(item, given):
            answer.missing_code = MissingCode.NOT_SHOWN
        else:
            roll = rng.random()
            if roll < DONT_KNOW:
                answer.missing_code = MissingCode.DONT_KNOW
            elif roll < DONT_KNOW + REFUSED:
                answer.missing_code = MissingCode.REFUSED
            else:
                answer.value = scale.codes[
                    _choice_index(instrument, item, len(scale.codes), level, rng)
                ]
        given[item.id] = (scale.key, answer.value)
        answers.append(answer)
    return answers


def _choice_index(
    instrument: Instrument, item: Item, choices: int, level: float, rng: random.Random
) -> int:
    if any(score.per == item.id for score in instrument.scores):
        # A denominator (shifts worked): most staff work many shifts in 4 weeks.
        position = min(1.0, max(0.0, rng.gauss(0.65, 0.2)))
    elif instrument.key in EVENT_INSTRUMENTS and item.show_if is None:
        # Events: mostly none, fewer where people are doing well.
        rate = max(0.2, 1.2 - 0.5 * level)
        position = min(1.0, rng.expovariate(1 / rate) / 4)
    else:
        position = 1 / (1 + math.exp(-(level + rng.gauss(0, 0.8))))
        if item.reverse:
            position = 1 - position
    return min(choices - 1, round(position * (choices - 1)))


def _steps(participant: Participant, rng: random.Random) -> int:
    default = DEFAULT_STEPS[participant.age_band]  # type: ignore[index]
    roll = rng.random()
    if roll < 0.08:
        return 2
    if roll < 0.2 and default == 5:
        return 3
    return default


def _assistance(rng: random.Random) -> AssistanceMode:
    modes = list(ASSISTANCE_WEIGHTS)
    return rng.choices(modes, weights=[ASSISTANCE_WEIGHTS[mode] for mode in modes])[0]


def _moment(first: date | None, last: date | None, rng: random.Random) -> datetime:
    first = first or date.today()
    days = max(((last or first) - first).days, 0)
    day = first + timedelta(days=rng.randint(0, days))
    return datetime(
        day.year, day.month, day.day, rng.randint(8, 20), rng.randint(0, 59), tzinfo=UTC
    )
