"""Which figures of a score the reports may print, as disclosure control sees them: every
group's average with its priority, and the change of the people who answered both rounds."""

from types import SimpleNamespace

from survey.models import AgeBand, AssistanceMode, Group
from survey.reports.build import Respondent, _figures

SCORE = ("child_wellbeing", "wellbeing")


def child(person: int, site: int, band: AgeBand, mode: AssistanceMode) -> Respondent:
    return Respondent(person, site, Group.CHILD, band, mode)


def staff(person: int, site: int) -> Respondent:
    return Respondent(person, site, Group.STAFF, None, None)


def table(batch) -> dict:
    return {
        figure.key: (dict(figure.weights), figure.n, figure.needs, figure.order) for figure in batch
    }


def test_every_group_of_a_round_and_the_change_of_the_same_people():
    first = [
        (child(1, 7, AgeBand.AGE_6_9, AssistanceMode.ALONE), {SCORE: 3.0}),
        (child(2, 7, AgeBand.AGE_10_12, AssistanceMode.READING_HELP), {SCORE: 4.0}),
        (staff(3, 8), {SCORE: 2.0}),
        (staff(4, 8), {}),  # did not answer enough for this score: in no figure
    ]
    second = [
        (child(1, 7, AgeBand.AGE_6_9, AssistanceMode.ALONE), {SCORE: 4.0}),
        (child(2, 7, AgeBand.AGE_10_12, AssistanceMode.ALONE), {SCORE: 4.0}),
        (staff(4, 8), {SCORE: 1.0}),  # answered this time: new, so not in a change
    ]
    rounds = [(SimpleNamespace(id=10), first), (SimpleNamespace(id=11), second)]

    before, after = _figures(rounds, SCORE)

    one = {(10, 1): 1.0}
    assert table(before) == {
        ("all", 10): ({(10, 1): 1.0, (10, 2): 1.0, (10, 3): 1.0}, 3, (), 3),
        ("site", 7, 10): ({(10, 1): 1.0, (10, 2): 1.0}, 2, (), 2),
        ("site", 8, 10): ({(10, 3): 1.0}, 1, (), 2),
        ("mode", "alone", 10): (one, 1, (), 1),
        ("mode", "reading_help", 10): ({(10, 2): 1.0}, 1, (), 1),
        ("band", "6-9", 10): (one, 1, (), 1),
        ("band", "10-12", 10): ({(10, 2): 1.0}, 1, (), 1),
    }
    assert table(after) == {
        ("all", 11): ({(11, 1): 1.0, (11, 2): 1.0, (11, 4): 1.0}, 3, (), 3),
        ("site", 7, 11): ({(11, 1): 1.0, (11, 2): 1.0}, 2, (), 2),
        ("site", 8, 11): ({(11, 4): 1.0}, 1, (), 2),
        ("mode", "alone", 11): ({(11, 1): 1.0, (11, 2): 1.0}, 2, (), 1),
        ("band", "6-9", 11): ({(11, 1): 1.0}, 1, (), 1),
        ("band", "10-12", 11): ({(11, 2): 1.0}, 1, (), 1),
        # Each person's change: this round's value minus the last one's, over 2 people,
        # printed only beside both rounds' averages of the site.
        ("paired", 7, 11): (
            {(11, 1): 1.0, (11, 2): 1.0, (10, 1): -1.0, (10, 2): -1.0},
            2,
            (("site", 7, 11), ("site", 7, 10)),
            0,
        ),
    }
