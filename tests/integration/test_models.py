"""The data model's rules hold in the database itself, on SQLite and PostgreSQL."""

import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError

from survey.extensions import db
from survey.models import (
    AgeBand,
    Answer,
    Group,
    MissingCode,
    Participant,
    Round,
    RoundStateError,
    RoundStatus,
    Site,
    Study,
    Submission,
    SubmissionStatus,
    utcnow,
)
from survey.pseudonyms import code_hash, generate_code


@pytest.fixture
def study(app):
    study = Study(slug="s1", name="Study one")
    study.sites.append(Site(name="Lyngbo"))
    study.rounds.append(Round(name="baseline"))
    db.session.add(study)
    db.session.commit()
    return study


@pytest.fixture
def make_participant(app, study):
    def make(**fields):
        values = {
            "study_id": study.id,
            "site": study.sites[0],
            "group": Group.CHILD,
            "age_band": AgeBand.AGE_6_9,
            "code_hash": code_hash(generate_code(), app.config["PSEUDONYM_KEY"]),
        }
        values.update(fields)
        participant = Participant(**values)
        db.session.add(participant)
        db.session.flush()
        return participant

    return make


@pytest.fixture
def submission(study, make_participant):
    submission = Submission(participant=make_participant(), round=study.rounds[0])
    db.session.add(submission)
    db.session.commit()
    return submission


def expect_rejected(statement, params):
    with pytest.raises(IntegrityError):
        db.session.execute(sa.text(statement), params)
        db.session.flush()
    db.session.rollback()


def test_answer_is_unique_per_submission_instrument_and_item(submission):
    fields = {
        "instrument_key": "child_wellbeing",
        "instrument_version": 1,
        "item_id": "cw_01",
        "scale": "faces3_amount",
    }
    db.session.add(Answer(submission=submission, value=1, **fields))
    db.session.commit()
    db.session.add(Answer(submission=submission, value=2, **fields))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 1


def test_answer_has_a_value_or_a_missing_code_never_both(submission):
    fields = {
        "instrument_key": "child_wellbeing",
        "instrument_version": 1,
        "scale": "faces3_amount",
    }
    db.session.add(
        Answer(submission=submission, item_id="a", missing_code=MissingCode.REFUSED, **fields)
    )
    db.session.commit()
    for item_id, value, missing_code in (("b", None, None), ("c", 2, MissingCode.DONT_KNOW)):
        db.session.add(
            Answer(
                submission=submission,
                item_id=item_id,
                value=value,
                missing_code=missing_code,
                **fields,
            )
        )
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_round_status_outside_the_lifecycle_is_rejected(study):
    expect_rejected(
        "INSERT INTO rounds (study_id, name, status) VALUES (:study, 'x', 'archived')",
        {"study": study.id},
    )


def test_participant_group_outside_child_and_staff_is_rejected(study):
    expect_rejected(
        'INSERT INTO participants (study_id, site_id, "group", layout, language, code_hash, '
        "is_active, created_at) VALUES (:study, :site, 'adult', 'standard', 'da', :hash, "
        ":active, :now)",
        {
            "study": study.id,
            "site": study.sites[0].id,
            "hash": "a" * 64,
            "active": True,
            "now": utcnow(),
        },
    )


def test_orm_refuses_unknown_enum_values(study):
    with pytest.raises((StatementError, LookupError, ValueError)):
        db.session.add(Round(study=study, name="bad", status="archived"))
        db.session.flush()
    db.session.rollback()


def test_child_needs_an_age_band_and_staff_has_none(make_participant):
    with pytest.raises(IntegrityError):
        make_participant(age_band=None)
    db.session.rollback()
    with pytest.raises(IntegrityError):
        make_participant(group=Group.STAFF, age_band=AgeBand.AGE_10_12)
    db.session.rollback()
    assert make_participant(group=Group.STAFF, age_band=None).id is not None


def test_foreign_keys_are_enforced(make_participant):
    with pytest.raises(IntegrityError):
        make_participant(site=None, site_id=999_999)
    db.session.rollback()


def test_code_hashes_are_unique(make_participant):
    make_participant(code_hash="b" * 64)
    with pytest.raises(IntegrityError):
        make_participant(code_hash="b" * 64)
    db.session.rollback()


def test_one_submission_per_participant_and_round(study, make_participant):
    participant = make_participant()
    db.session.add(Submission(participant=participant, round=study.rounds[0]))
    db.session.commit()
    db.session.add(Submission(participant=participant, round=study.rounds[0]))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_submission_ids_are_random_uuids(submission):
    assert isinstance(submission.id, uuid.UUID)
    assert submission.id.version == 4


def test_completed_submission_needs_completion_time(submission):
    submission.status = SubmissionStatus.COMPLETED
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    submission.status = SubmissionStatus.COMPLETED
    submission.completed_at = utcnow()
    db.session.commit()
    assert submission.completed_at.tzinfo is not None


def test_round_lifecycle_moves_forward_only(study):
    round_ = study.rounds[0]
    assert round_.status is RoundStatus.DRAFT
    with pytest.raises(RoundStateError):
        round_.close()
    round_.open()
    with pytest.raises(RoundStateError):
        round_.open()
    round_.close()
    round_.release()
    with pytest.raises(RoundStateError):
        round_.open()
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Round, round_.id).status is RoundStatus.RELEASED


def test_a_study_has_at_most_one_open_round(study):
    study.rounds[0].open()
    db.session.commit()
    second = Round(name="follow-up")
    study.rounds.append(second)
    second.open()
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_round_dates_must_be_in_order(study):
    from datetime import date

    study.rounds[0].opens_on = date(2026, 10, 30)
    study.rounds[0].closes_on = date(2026, 10, 1)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_deleting_a_study_removes_everything_below_it(study, submission):
    db.session.add(
        Answer(
            submission=submission,
            instrument_key="k",
            instrument_version=1,
            item_id="i",
            scale="faces2",
            value=1,
        )
    )
    db.session.commit()
    db.session.execute(sa.delete(Study).where(Study.id == study.id))
    db.session.commit()
    for model in (Site, Round, Participant, Submission, Answer):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0


def test_timestamps_come_back_in_utc(submission):
    db.session.expire_all()
    started = db.session.get(Submission, submission.id).started_at
    assert started.utcoffset().total_seconds() == 0
