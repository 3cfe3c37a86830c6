"""Which figures of a score the reports may print, as disclosure control sees them: every
group's average with its priority, and the change of the people who answered both rounds."""

from types import SimpleNamespace

from survey.models import AgeBand, AssistanceMode
from survey.reports.build import Respondent, _figures
from survey.reports.disclosure import decide
from tests.unit.reports.test_disclosure import by_person, leaks

SCORE = ("child_wellbeing", "wellbeing")


def child(person: int, site: int, band: AgeBand, mode: AssistanceMode) -> Respondent:
    return Respondent(person, site, band, mode)


def staff(person: int, site: int) -> Respondent:
    return Respondent(person, site, None, None)


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


def decided(people: list[tuple[int, int, AgeBand, AssistanceMode]], k: int):
    """Decide over two rounds in which the same children answer; return the figures of both
    rounds and the keys withheld."""
    rounds = [
        (SimpleNamespace(id=number), [(child(*person), {SCORE: 3.0}) for person in people])
        for number in (1, 2)
    ]
    batches = _figures(rounds, SCORE)
    return [figure for batch in batches for figure in batch], decide(batches, k, by_person)


def test_a_change_goes_with_the_averages_it_is_printed_beside():
    # Two children at site 2, one at site 1, in both rounds; k = 2. Site 1's one child makes
    # all sites less site 2 a person, so site 2 goes too, and with it site 2's change, which
    # as arithmetic alone would give nothing away.
    people = [
        (10, 2, AgeBand.AGE_6_9, AssistanceMode.ALONE),
        (12, 2, AgeBand.AGE_6_9, AssistanceMode.READING_HELP),
        (13, 1, AgeBand.AGE_6_9, AssistanceMode.ALONE),
    ]
    figures, hidden = decided(people, k=2)
    assert {("site", 2, 1), ("site", 2, 2)} <= hidden
    assert ("paired", 2, 2) in hidden
    assert leaks(figures, hidden, 2) == []


def test_nothing_is_withheld_that_could_be_printed():
    # Three children in both rounds, k = 2. Withholding one figure at a time, cheapest
    # first, can withhold one that a later choice made unnecessary: every figure withheld
    # although over k or more people must give someone away when printed again.
    people = [
        (10, 3, AgeBand.AGE_13_18, AssistanceMode.READING_HELP),
        (12, 1, AgeBand.AGE_6_9, AssistanceMode.READING_HELP),
        (13, 1, AgeBand.AGE_13_18, AssistanceMode.ALONE),
    ]
    figures, hidden = decided(people, k=2)
    assert leaks(figures, hidden, 2) == []
    assert ("site", 1, 2) not in hidden and ("paired", 1, 2) not in hidden
    withheld = [
        figure
        for figure in figures
        if figure.key in hidden
        and figure.n >= 2
        and figure.key[-1] == 2  # this round's
        and not any(need in hidden for need in figure.needs)
    ]
    for figure in withheld:
        assert leaks(figures, hidden - {figure.key}, 2), figure.key
