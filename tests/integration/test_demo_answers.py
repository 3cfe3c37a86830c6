"""The demo study's instruments and synthetic baseline answers."""

from collections import Counter

import sqlalchemy as sa

from survey.demo_answers import CHILD_INSTRUMENTS, STAFF_INSTRUMENTS
from survey.extensions import db
from survey.instruments import get_registry
from survey.instruments.model import DEFAULT_STEPS
from survey.instruments.scoring import score_submission
from survey.models import (
    Answer,
    Group,
    MissingCode,
    Participant,
    Round,
    Submission,
    SubmissionStatus,
)


def rounds():
    return {round_.name: round_ for round_ in db.session.scalars(sa.select(Round))}


def baseline_submissions():
    return db.session.scalars(
        sa.select(Submission)
        .join(Round)
        .where(Round.name == "baseline")
        .order_by(Submission.participant_id)
    ).all()


def test_demo_rounds_get_the_instruments_of_each_group(app, runner):
    runner.invoke(args=["demo"])
    registry = get_registry()
    staff_v1 = ["staff_competence", "staff_wellbeing", "situations_staff"]
    # The baseline on the first versions (no WHO-5 yet), the follow-up on the newest.
    expected = {
        "baseline": ({Group.CHILD: list(CHILD_INSTRUMENTS), Group.STAFF: staff_v1}, {1}),
        "follow-up": (
            {Group.CHILD: list(CHILD_INSTRUMENTS), Group.STAFF: STAFF_INSTRUMENTS},
            {1, 2},
        ),
    }
    for name, round_ in rounds().items():
        keys, versions = expected[name]
        for group in (Group.CHILD, Group.STAFF):
            chosen = round_.instruments_for(group)
            assert [choice.instrument_key for choice in chosen] == list(keys[group])
            for choice in chosen:
                instrument = registry.get(choice.instrument_key, choice.instrument_version)
                assert instrument.respondent is group
                assert instrument.version in versions
                if name == "follow-up":
                    assert instrument == registry.latest(choice.instrument_key)


def test_baseline_is_filled_and_follow_up_is_empty(app, runner):
    runner.invoke(args=["demo"])
    submissions = baseline_submissions()
    participants = db.session.scalar(sa.select(sa.func.count()).select_from(Participant))
    assert 0.8 * participants <= len(submissions) <= participants
    statuses = Counter(submission.status for submission in submissions)
    assert statuses[SubmissionStatus.COMPLETED] > statuses[SubmissionStatus.IN_PROGRESS] > 0
    follow_up = rounds()["follow-up"]
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Submission)
            .where(Submission.round_id == follow_up.id)
        )
        == 0
    )


def test_baseline_answers_are_valid_and_include_every_missing_code(app, runner):
    runner.invoke(args=["demo"])
    registry = get_registry()
    missing = Counter()
    for submission in baseline_submissions():
        participant = submission.participant
        rungs = set()
        for answer in submission.answers:
            instrument = registry.get(answer.instrument_key, answer.instrument_version)
            assert instrument.respondent is participant.group
            item = instrument.item(answer.item_id)
            assert participant.age_band is None or participant.age_band in item.age_bands
            assert answer.scale in instrument.scale_keys_for(item)
            if answer.value is not None:
                assert answer.value in instrument.scales[answer.scale].codes
            else:
                missing[answer.missing_code] += 1
            if item.ladder:
                rungs.add(len(instrument.scales[answer.scale].points))
        if participant.group is Group.CHILD and rungs:
            assert len(rungs) == 1  # one scale length per child and session
            assert rungs.pop() in {DEFAULT_STEPS[participant.age_band], 3, 2}
        if submission.status is SubmissionStatus.DECLINED:
            assert submission.answers == []
    assert set(missing) == set(MissingCode)


def test_completed_baseline_submissions_mostly_have_scores(app, runner):
    runner.invoke(args=["demo"])
    registry = get_registry()
    scored = total = 0
    for submission in baseline_submissions():
        if submission.status is not SubmissionStatus.COMPLETED:
            continue
        by_instrument = {}
        for answer in submission.answers:
            by_instrument.setdefault((answer.instrument_key, answer.instrument_version), []).append(
                answer
            )
        for (key, version), answers in by_instrument.items():
            scores = score_submission(
                registry.get(key, version), answers, submission.participant.age_band
            )
            total += len(scores)
            scored += sum(value is not None for value in scores.values())
    assert total > 0
    assert scored / total > 0.8


def test_demo_answers_are_seeded(app, runner):
    def signature():
        return [
            (a.item_id, a.scale, a.value, a.missing_code)
            for s in baseline_submissions()
            for a in sorted(s.answers, key=lambda a: a.id)
        ]

    runner.invoke(args=["demo"])
    first = signature()
    runner.invoke(args=["demo", "--reset"])
    db.session.expire_all()
    assert signature() == first
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == len(first)
