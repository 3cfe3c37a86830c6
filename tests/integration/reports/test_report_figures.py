"""The figures a report is built from: the comparison with all sites, intervals kept on the
scale and shares with an event against an independent calculation (t quantiles from a printed
table), figures withheld at exactly the threshold, and the children's rows by how and by age
against the sites they add up to."""

import math
import statistics
from datetime import date

import pytest
import sqlalchemy as sa

from survey.extensions import db
from survey.models import AgeBand, Answer, AssistanceMode, Group, Participant, Submission
from survey.reports.build import build_all_sites_report, build_site_report
from tests.integration.reports.studies import children_study, two_site_study, wellbeing_answers

DAY = date(2026, 11, 23)


#: Student's t, 97.5th percentile, by degrees of freedom (any statistics table).
T_975 = {5: 2.5706, 11: 2.2010}


def margin(values):
    """Half the width of the 95 % t interval around the mean of ``values``."""
    n = len(values)
    return T_975[n - 1] * statistics.stdev(values) / math.sqrt(n)


def t_interval(values):
    """The mean and its 95 % t interval."""
    mean = statistics.fmean(values)
    return mean, mean - margin(values), mean + margin(values)


def figure(report, score_id, key="staff_wellbeing"):
    return next(f for f in report.scores if (f.instrument.key, f.score_id) == (key, score_id))


def test_a_site_is_compared_with_all_sites_and_no_interval_leaves_the_scale(app):
    # Support is the mean of two statements each staff member answered with the same value.
    ask_now = [1, 1, 1, 1, 1, 3]
    plan = {
        ("Ask", 0): (6, 3),
        ("Birken", 0): (6, 3),
        ("Ask", 1): (6, ask_now),
        ("Birken", 1): (6, 5),
    }
    _study, ask, _birken, rounds = two_site_study(app, plan)
    support = figure(build_site_report(ask, rounds[1], "da", DAY), "support")

    mean, low, high = t_interval(ask_now)
    assert low < 1  # the t interval reaches below the lowest answer possible ...
    assert (support.site.mean, support.site.low, support.site.high) == pytest.approx(
        (mean, 1.0, high),
        abs=1e-3,  # ... so the report cuts it at 1
    )
    everyone = ask_now + [5] * 6
    assert (support.all_sites.mean, support.all_sites.low, support.all_sites.high) == (
        pytest.approx(t_interval(everyone), abs=1e-3)
    )
    assert (support.all_sites.n, support.site_n, support.previous.mean) == (12, 6, 3.0)
    assert (support.site_complement, support.previous_complement) == (False, False)
    assert support.all_sites_complement is False

    rows = {
        row.name: row
        for score in build_all_sites_report(rounds[1], "da", DAY).scores
        if score.score_id == "support"
        for row in [*score.sites, score.total]
    }
    assert (rows["Ask"].estimate.low, rows["Ask"].estimate.high) == pytest.approx(
        (1.0, high), abs=1e-3
    )
    assert (rows[""].estimate.mean, rows[""].n) == (pytest.approx(statistics.fmean(everyone)), 12)


def situation_answers(value):
    """One staff member's shifts (5-8) and violent situations (``value`` on the count scale:
    1 is none, 2 is one)."""
    return [
        Answer(
            instrument_key="situations_staff",
            instrument_version=2,
            item_id=item,
            scale=scale,
            value=answer,
        )
        for item, scale, answer in (("ss_10", "shifts6", 3), ("ss_11", "count5", value))
    ]


def test_a_share_with_an_event_changes_in_percentage_points(app):
    # The same six staff at Ask: two had a violent situation in round 1, five in round 2.
    before, after = [2, 2, 1, 1, 1, 1], [2, 2, 2, 2, 2, 1]
    plan = {("Ask", 0): (6, before), ("Birken", 0): (6, 1), ("Ask", 1): (6, after)}
    plan[("Birken", 1)] = (6, 1)
    _study, ask, _birken, rounds = two_site_study(
        app, plan, situation_answers, versions={"situations_staff": 2}
    )
    share = figure(
        build_site_report(ask, rounds[1], "da", DAY), "situations_any", "situations_staff"
    )

    assert (share.previous.mean, share.site.mean) == pytest.approx((100 * 2 / 6, 100 * 5 / 6))
    # Wilson's 95 % interval for 5 of 6 (a t interval would reach past 100 %).
    z, n, p = 1.959964, 6, 5 / 6
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert (share.site.low, share.site.high) == pytest.approx(
        (100 * (centre - half), 100 * (centre + half)), abs=0.01
    )
    differences = [100 * ((a > 1) - (b > 1)) for a, b in zip(after, before, strict=True)]
    assert (share.change.difference, share.change.margin) == pytest.approx(
        (50.0, margin(differences)), rel=1e-3
    )
    assert share.change.paired_n == 6


def test_a_figure_withheld_at_exactly_the_threshold_says_it_protects_another(app):
    # Ask 3 and Birken 6 in round 1, both 6 in round 2: with a threshold of 6, Birken's first
    # round (exactly 6) is withheld, or "all sites" minus Birken would be Ask's 3.
    _study, _ask, birken, rounds = two_site_study(app)
    app.config["MIN_CELL"] = 6
    first = figure(build_site_report(birken, rounds[0], "da", DAY), "support")
    assert (first.site, first.site_n, first.site_complement) == (None, 6, True)
    assert (first.all_sites.n, first.all_sites_complement) == (9, False)
    second = figure(build_site_report(birken, rounds[1], "da", DAY), "support")
    assert (second.previous, second.previous_complement) == (None, True)
    assert second.site.mean == 5.0


def test_all_sites_withheld_at_exactly_the_threshold_says_it_protects_another(app):
    # Round 1: three staff at Birken. Round 2: the same three, and one at Ask. With a threshold
    # of 3, all sites (4 people) less Birken's three would be Ask's one person. Birken's
    # average cannot go instead: its first round and the same people's change give it.
    plan = {("Birken", 0): (3, 2), ("Ask", 1): (1, 5), ("Birken", 1): (3, 4)}
    _study, _ask, birken, rounds = two_site_study(app, plan)
    app.config["MIN_CELL"] = 3
    support = figure(build_site_report(birken, rounds[1], "da", DAY), "support")
    assert (support.site.n, support.site.mean, support.change.paired_n) == (3, 4.0, 3)
    assert (support.all_sites, support.all_sites_complement) == (None, True)


def test_only_the_change_goes_when_the_change_alone_gives_a_person_away(app):
    # Four staff at each site in round 1; in round 2 only three of Birken's four answer. With
    # a threshold of 3, Birken's first round less the change of the same three people would
    # be the fourth person's answer; withholding the change is enough. (A rounding error of
    # 1e-16 counted as a combination once, and Birken's and all sites' averages went too.)
    plan = {("Ask", 0): (4, 2), ("Birken", 0): (4, 4), ("Birken", 1): (3, 5)}
    _study, _ask, birken, rounds = two_site_study(app, plan)
    app.config["MIN_CELL"] = 3
    support = figure(build_site_report(birken, rounds[1], "da", DAY), "support")
    assert (support.site.n, support.site.mean, support.all_sites.n) == (3, 5.0, 3)
    assert (support.previous.n, support.previous.mean) == (4, 4.0)
    assert support.change.paired_n is None  # between the two rounds' groups, not paired
    assert support.change.difference == 1.0


def test_children_by_how_and_by_age_add_up_to_their_sites(app):
    # Ask's children are 6-9 and answered with an interpreter; Birken's (10-12) and
    # Cedertræ's (13-18) answered alone.
    _study, round_, _cells = children_study(
        app,
        {
            "Ask": (8, AssistanceMode.INTERPRETER, AgeBand.AGE_6_9),
            "Birken": (8, AssistanceMode.ALONE, AgeBand.AGE_10_12),
            "Cedertræ": (9, AssistanceMode.ALONE, AgeBand.AGE_13_18),
        },
    )
    report = build_all_sites_report(round_, "da", DAY)
    wellbeing = next(s for s in report.scores if s.instrument.key == "child_wellbeing")
    sites = {row.name: row for row in wellbeing.sites}
    assert all(row.estimate for row in sites.values())
    modes = {row.name: row for row in wellbeing.by_assistance}
    assert set(modes) == {"interpreter", "alone"}
    assert (modes["interpreter"].n, modes["interpreter"].estimate) == (
        sites["Ask"].n,
        sites["Ask"].estimate,
    )
    alone = [sites["Birken"], sites["Cedertræ"]]
    assert modes["alone"].n == sum(row.n for row in alone)
    assert modes["alone"].estimate.mean == pytest.approx(
        sum(row.n * row.estimate.mean for row in alone) / modes["alone"].n
    )
    bands = [(row.name, row.n, row.estimate) for row in wellbeing.by_age_band]
    assert bands == [
        (band, sites[name].n, sites[name].estimate)
        for band, name in (("6-9", "Ask"), ("10-12", "Birken"), ("13-18", "Cedertræ"))
    ]


def test_answers_kept_under_another_version_are_not_counted(app):
    # One of Ask's six staff has its first statement stored under version 2 of the
    # questionnaire, which this round did not ask: the spread counts the other five.
    plan = {("Ask", 0): (6, 4), ("Birken", 0): (6, 2), ("Ask", 1): (6, 3), ("Birken", 1): (6, 5)}
    _study, ask, _birken, rounds = two_site_study(app, plan)
    stray = db.session.scalars(
        sa.select(Answer)
        .join(Submission)
        .join(Participant)
        .where(
            Submission.round_id == rounds[1].id,
            Participant.site_id == ask.id,
            Answer.item_id == "sw_01",
        )
    ).first()
    stray.instrument_version, stray.value = 2, 1
    db.session.commit()
    report = build_site_report(ask, rounds[1], "da", DAY)
    spread = next(d for d in report.items if d.item.id == "sw_01")
    assert (spread.n, spread.shares) == (5, [0.0, 0.0, 1.0, 0.0, 0.0])
    # Nor in the scores: that person's wellbeing at work is the mean of the other 7 (all 3).
    assert figure(report, "wellbeing").site.mean == 3.0


def test_a_questionnaire_completed_with_one_answer_counts_and_gives_no_score(app):
    # Each staff member answered only the first statement (the others were skipped): one
    # row per person in the report's query, counted as completed, too few for any score.
    plan = {("Ask", 0): (3, 4), ("Birken", 0): (4, 2)}
    _study, ask, _birken, rounds = two_site_study(
        app, plan, answers=lambda value: wellbeing_answers(value)[:1]
    )
    report = build_site_report(ask, rounds[0], "da", DAY)
    assert report.response[Group.STAFF].completed == 3
    staff = [score for score in report.scores if score.instrument.key == "staff_wellbeing"]
    assert staff and all(score.site_n == 0 and score.site is None for score in staff)
