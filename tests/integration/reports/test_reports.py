"""Feedback PDFs read back: numbers against the database, suppression, letters, metadata."""

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from survey.extensions import db
from survey.models import (
    Answer,
    AuditEvent,
    Group,
    Participant,
    RoundStatus,
    Site,
    Submission,
    SubmissionStatus,
)
from survey.reports import cli
from survey.reports import views as report_views
from survey.reports.build import build_all_sites_report, build_site_report, build_site_reports
from survey.reports.pdf import render_all_sites_report, render_site_report, render_site_reports
from tests.conftest import missing
from tests.factories import make_participant, make_submission
from tests.integration.conftest import COORDINATOR, EVALUATOR, save_elsewhere
from tests.integration.reports.studies import (
    children_study,
    pdf_pages,
    pdf_text,
    support_mean,
    two_site_study,
    wellbeing_answers,
)

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
DAY = date(2026, 11, 23)


def baseline(study):
    return next(r for r in study.rounds if r.name == "baseline")


def test_site_report_numbers_match_an_independent_calculation(app, demo):
    round_ = baseline(demo)
    site = demo.sites[0]
    text, _metadata, _lang = pdf_text(
        render_site_report(build_site_report(site, round_, "da", DAY))
    )
    mean, n = support_mean(site, round_)
    assert n >= 5
    assert f"{mean:.1f} (".replace(".", ",") in text  # Danish decimal comma
    assert "Voldsomme situationer (skala 1–5, højere er værre)" in text
    assert "Trivsel på arbejdet (skala 1–5, højere er bedre)" in text
    assert "Svarprocenter" in text
    assert "Døgninstitutionen Egebakken" in text  # æ, ø and å come back as letters
    assert "Hvordan har du det?" in text
    assert "Det er det, I har fortalt os" in text


def test_small_groups_are_suppressed_and_their_numbers_appear_nowhere(app, demo):
    round_ = baseline(demo)
    site = demo.sites[2]
    staff = db.session.scalars(
        sa.select(Submission)
        .join(Participant)
        .where(
            Submission.round_id == round_.id,
            Participant.site_id == site.id,
            Participant.group == Group.STAFF,
        )
    ).all()
    for submission in staff[3:]:
        db.session.delete(submission)  # leave three staff answers at this site
    db.session.commit()
    text, _metadata, _lang = pdf_text(
        render_site_report(build_site_report(site, round_, "da", DAY))
    )
    assert "for få svar til at vise" in text
    report = build_site_report(site, round_, "da", DAY)
    hidden = [figures for figures in report.scores if figures.instrument.key == "staff_wellbeing"]
    assert all(figures.site_hidden for figures in hidden)
    all_sites = build_all_sites_report(round_, "da", DAY)
    all_text, _m, _l = pdf_text(render_all_sites_report(all_sites))
    for score in all_sites.scores:
        if score.instrument.key != "staff_wellbeing":
            continue
        shown = [row for row in score.sites if row.estimate is not None]
        hidden_rows = [row for row in score.sites if row.estimate is None and row.n > 0]
        assert hidden_rows
        # Complementary suppression: never exactly one hidden site beside a shown total.
        assert len(hidden_rows) != 1 or score.total.estimate is None
        assert len(shown) + len(hidden_rows) <= len(score.sites)
    assert "for få svar til at vise" in all_text


def test_reports_have_metadata_language_and_page_numbers(app, demo):
    content = render_site_report(build_site_report(demo.sites[0], baseline(demo), "en", DAY))
    text, metadata, lang = pdf_text(content)
    assert metadata["Title"] == "Feedback report – Døgninstitutionen Egebakken"
    assert metadata["Author"] == "Safe everyday life"
    assert str(lang).strip("/'b") == "en"
    assert "Page 1" in text and "Page 2" in text
    assert "How to read this report" in text


def test_same_data_and_date_give_identical_files(app, demo):
    site, round_ = demo.sites[1], baseline(demo)
    first = render_site_report(build_site_report(site, round_, "da", DAY))
    second = render_site_report(build_site_report(site, round_, "da", DAY))
    assert first == second
    assert render_all_sites_report(
        build_all_sites_report(round_, "da", DAY)
    ) == render_all_sites_report(build_all_sites_report(round_, "da", DAY))


def test_reports_rendered_side_by_side_are_the_same_files_in_the_same_order(app, demo):
    reports = build_site_reports(baseline(demo), list(demo.sites), "da", DAY)
    one_by_one = [render_site_report(report, draft=True) for report in reports]
    assert list(render_site_reports(reports, draft=True, workers=2)) == one_by_one
    assert len(set(one_by_one)) == 3  # three sites, three different files
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Site)) == 3  # still usable


def test_page_one_renders_to_png(app, demo, tmp_path):
    if shutil.which("pdftoppm") is None:
        missing("pdftoppm (Debian package poppler-utils)")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_site_report(build_site_report(demo.sites[0], baseline(demo), "da", DAY)))
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(ARTIFACTS / "report-page"),
        ],
        check=True,
        timeout=60,
    )
    image = next(ARTIFACTS.glob("report-page*.png"))
    assert image.stat().st_size > 10_000


def test_cli_reads_the_answers_once_per_round_and_once_for_the_spreads(runner, demo, tmp_path):
    # Scored once for the site reports and the all-sites report together, and the spreads of
    # every site in one read: a national round of 100 sites must not read 100 times more.
    answer_reads = []

    def count(_connection, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if re.search(r"\b(FROM|JOIN) answers\b", statement):
            answer_reads.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        result = runner.invoke(
            args=[
                *("reports", "--study", "demo", "--round", "follow-up", "--draft"),
                *("--date", "2026-11-23", "--out", str(tmp_path)),
            ]
        )
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("*.pdf"))) == len(demo.sites) + 1 == 4
    # Two rounds scored (baseline and follow-up), then the follow-up's spreads.
    assert len(answer_reads) == 3


def test_answers_are_saved_while_the_reports_are_drawn(runner, demo, tmp_path, monkeypatch):
    # A national round's reports take many seconds; on SQLite a transaction that took the
    # write lock for them would make every respondent's save wait and then fail.
    render = cli.render_site_reports
    saved = []

    def render_and_save(*args, **kwargs):  # type: ignore[no-untyped-def]
        save_elsewhere()  # in the middle of the run: figures read, PDFs not drawn yet
        saved.append(True)
        yield from render(*args, **kwargs)

    monkeypatch.setattr(cli, "render_site_reports", render_and_save)
    result = runner.invoke(
        args=["reports", "--study", "demo", "--round", "baseline", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert saved == [True]
    assert len(list(tmp_path.glob("*.pdf"))) == len(demo.sites) + 1


def test_cli_writes_a_pdf_per_site_and_all_sites(runner, demo, tmp_path):
    result = runner.invoke(
        args=[
            "reports",
            "--study",
            "demo",
            "--round",
            "baseline",
            "--date",
            "2026-11-23",
            "--out",
            str(tmp_path),
        ]
    )
    assert result.exit_code == 0, result.output
    names = sorted(path.name for path in tmp_path.glob("*.pdf"))
    ids = {site.name: site.id for site in demo.sites}
    assert names == sorted(
        [
            "all-sites.pdf",
            f"{ids['Døgninstitutionen Egebakken']}_Doegninstitutionen-Egebakken.pdf",
            f"{ids['Opholdsstedet Havtorn']}_Opholdsstedet-Havtorn.pdf",
            f"{ids['Opholdsstedet Lyngbo']}_Opholdsstedet-Lyngbo.pdf",
        ]
    )
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "report.download")
    ).all()
    assert sorted((event.object_type, event.object_id) for event in events) == sorted(
        [("site", str(site.id)) for site in demo.sites] + [("round", str(baseline(demo).id))]
    )
    text, metadata, lang = pdf_text((tmp_path / names[0]).read_bytes())
    assert lang == b"da" and "runde" in metadata["Subject"] and "UDKAST" not in text
    bad = runner.invoke(
        args=["reports", "--study", "demo", "--round", "nope", "--out", str(tmp_path)]
    )
    assert bad.exit_code == 2


def test_cli_refuses_an_open_round_unless_asked_for_a_draft(runner, demo, tmp_path):
    follow_up = next(r for r in demo.rounds if r.name == "follow-up")
    assert follow_up.status in (RoundStatus.OPEN, RoundStatus.DRAFT)
    args = ["reports", "--study", "demo", "--round", "follow-up", "--out", str(tmp_path)]
    refused = runner.invoke(args=args)
    assert refused.exit_code == 2
    assert refused.output.startswith("Error: The round 'follow-up' is ")
    assert not list(tmp_path.glob("*.pdf"))
    drafted = runner.invoke(args=[*args, "--draft"])
    assert drafted.exit_code == 0, drafted.output
    for path in tmp_path.glob("*.pdf"):
        pages = pdf_pages(path.read_bytes())
        assert pages and all("UDKAST – runden er ikke lukket" in page for page in pages)


@pytest.mark.parametrize(
    ("drawn_by", "address"),
    [
        ("render_site_report", "sites/{site}.pdf"),
        ("site_page", "sites/{site}"),
        ("render_all_sites_report", "all-sites.pdf"),
        ("all_sites_page", "all-sites"),
    ],
)
def test_answers_are_saved_while_a_report_is_downloaded(
    sign_in, demo_staff, demo, monkeypatch, drawn_by, address
):
    draw = getattr(report_views, drawn_by)
    saved = []

    def draw_and_save(*args, **kwargs):  # type: ignore[no-untyped-def]
        save_elsewhere()  # figures read, the report not drawn yet
        saved.append(True)
        return draw(*args, **kwargs)

    monkeypatch.setattr(report_views, drawn_by, draw_and_save)
    url = f"/admin/reports/{baseline(demo).id}/" + address.format(site=demo.sites[0].id)
    assert sign_in(EVALUATOR).get(url).status_code == 200
    assert saved == [True]


def test_who_may_download_reports_when(sign_in, demo_staff, demo):
    round_, mine, theirs = baseline(demo), demo.sites[0], demo.sites[1]
    round_id, mine_id, theirs_id = round_.id, mine.id, theirs.id
    evaluator = sign_in(EVALUATOR)
    coordinator = sign_in(COORDINATOR)
    site_url = f"/admin/reports/{round_id}/sites/{mine_id}.pdf"
    assert evaluator.get(site_url).status_code == 200  # closed: evaluators may
    assert evaluator.get(f"/admin/reports/{round_id}/all-sites.pdf").status_code == 200
    assert coordinator.get(site_url).status_code == 403  # not released yet
    round_ = db.session.get(type(round_), round_id)
    round_.release()
    db.session.commit()
    response = coordinator.get(site_url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert coordinator.get(f"/admin/reports/{round_id}/sites/{theirs_id}.pdf").status_code == 404
    assert coordinator.get(f"/admin/reports/{round_id}/all-sites.pdf").status_code == 403
    assert RoundStatus.RELEASED is db.session.get(type(round_), round_id).status


def test_item_distributions_count_each_answer_as_what_it_means(app, demo):
    """3-point "Tit" counts as 5-point "Tit" (not "Altid"); an item with answers that have no
    single 5-point equivalent, and every event item, is shown on its common yes/no variable."""
    from tests.integration.exports.expected import FIVE_POINT_LABELS, MEANS, RUNG

    round_, site = baseline(demo), demo.sites[0]
    # One child answered cw_04 ("Hjælper de voksne dig …") "Ja" on two choices.
    answer = db.session.scalars(
        sa.select(Answer)
        .join(Submission)
        .join(Participant)
        .where(
            Submission.round_id == round_.id,
            Participant.site_id == site.id,
            Answer.item_id == "cw_04",
            Answer.value.is_not(None),
        )
    ).first()
    answer.scale, answer.value = "faces2", 2
    db.session.commit()
    report = build_site_report(site, round_, "da", DAY)
    rows = db.session.execute(
        sa.select(Answer.item_id, Answer.scale, Answer.value)
        .join(Submission)
        .join(Participant)
        .where(
            Submission.round_id == round_.id,
            Submission.status == SubmissionStatus.COMPLETED,
            Participant.site_id == site.id,
            Answer.value.is_not(None),
        )
    ).all()
    kinds = set()
    for distribution in report.items:
        if distribution.instrument.respondent is not Group.CHILD:
            continue
        given = [(scale, value) for item, scale, value in rows if item == distribution.item.id]
        meanings = [value if RUNG[scale] == 5 else MEANS[scale][value] for scale, value in given]
        labels = [label["da"] for label in distribution.labels]
        events = any(scale.endswith("_event") for scale, _value in given)
        if None in meanings or events:  # events always as "at least once"
            kinds.add("common")
            assert len(labels) == 2
            expected = [sum(v == 1 for _s, v in given), sum(v != 1 for _s, v in given)]
        else:
            kinds.add("five-point")
            assert labels in FIVE_POINT_LABELS.values()
            expected = [meanings.count(code) for code in range(1, 6)]
        assert distribution.n == len(given)
        assert distribution.shares == [count / len(given) if given else 0.0 for count in expected]
    assert kinds == {"common", "five-point"}


def test_a_site_hidden_to_protect_another_stays_hidden_in_the_next_round(app):
    _study, _ask, birken, rounds = two_site_study(app)
    first, _m, _l = pdf_text(render_site_report(build_site_report(birken, rounds[0], "da", DAY)))
    assert "ingen tidligere runde" in first
    assert "skjult, så en anden gruppes tal ikke kan regnes ud" in first
    birken_first = ("2,5 (", "2.5 (", "2,0 (", "2.0 (")
    assert not any(figure in first for figure in birken_first)
    assert "6 har svaret" not in first  # no distributions of a protected site
    second, _m, _l = pdf_text(render_site_report(build_site_report(birken, rounds[1], "da", DAY)))
    protected = "Dette sted, sidste runde skjult, så en anden gruppes tal"
    assert second.count(protected) == 2  # wellbeing at work, and support
    assert not any(figure in second for figure in birken_first)
    assert "6 har svaret" in second


def child_page_text(report) -> str:
    """Return the children's page (the last), one line per line of text, no blank lines."""
    page = pdf_pages(render_site_report(report))[-1]
    return "\n".join(line.strip() for line in page.splitlines() if line.strip())


def test_children_page_shows_only_kind_questions_and_true_words(app, demo):
    report = build_site_report(demo.sites[0], baseline(demo), "da", DAY)
    page = " ".join(child_page_text(report).split())
    assert page.startswith("Det er det, I har fortalt os")
    shown = [d for d in report.items if d.item.text["da"] in page]
    assert shown and all(d.item.feedback_page for d in shown)
    for distribution in report.items:  # nothing private, negative or about violence
        item = distribution.item
        if item.private or item.reverse or distribution.instrument.key == "situations_child":
            assert item.text["da"] not in page
    # Only the violence questionnaire: no figures, only thanks.
    report.items = [d for d in report.items if d.instrument.key == "situations_child"]
    lines = child_page_text(report).splitlines()
    assert lines[0] == "Det er det, I har fortalt os"
    assert lines[1:2] == ["Tak, fordi I svarede!"]  # to all of them, no figures
    assert len(lines) == 3 and lines[2].startswith("Side ")


@pytest.mark.parametrize(
    ("shares", "sentence", "position"),
    [
        ([0.0, 0.0, 0.2, 0.2, 0.6], "De fleste af jer svarede “Rigtig meget” til:", 1.0),
        ([0.6, 0.2, 0.2, 0.0, 0.0], "De fleste af jer svarede “Slet ikke” til:", 0.0),
        ([0.1, 0.2, 0.1, 0.4, 0.2], "Flest af jer svarede “Meget” til:", 0.75),
        ([0.3, 0.3, 0.2, 0.1, 0.1], "I svarede forskelligt på:", None),
        ([0.0, 0.5, 0.5, 0.0, 0.0], "I svarede forskelligt på:", None),  # 50 % is no majority
    ],
)
def test_children_page_words_and_faces_follow_the_numbers(app, demo, shares, sentence, position):
    from flask_babel import force_locale

    from survey.reports.build import ItemDistribution
    from survey.reports.pdf import child_sentence

    report = build_site_report(demo.sites[0], baseline(demo), "da", DAY)
    template = next(d for d in report.items if d.item.id == "cw_01")
    distribution = ItemDistribution(
        template.instrument, template.item, template.labels, shares, 10, hidden=False
    )
    with force_locale("da"):
        text, face_position = child_sentence(distribution, "da")
    assert text.startswith(sentence)
    assert face_position == position


def test_danish_cli_reports_hold_no_english_sentence(runner, demo, tmp_path):
    from babel.messages.pofile import read_po

    for language in ("da", "en"):
        result = runner.invoke(
            args=[
                *("reports", "--study", "demo", "--round", "baseline", "--lang", language),
                *("--site", str(demo.sites[0].id), "--out", str(tmp_path / language)),
            ]
        )
        assert result.exit_code == 0, result.output
    texts = {}
    for language in ("da", "en"):
        path = next((tmp_path / language).glob("*_*.pdf"))
        texts[language], metadata, _lang = pdf_text(path.read_bytes())
        texts[language] = " ".join(texts[language].split())
        if language == "da":
            assert "runde" in metadata["Subject"] and "Tilbagemelding" in metadata["Title"]
    catalogue = Path(__file__).resolve().parents[3] / "survey/translations/messages.pot"
    with catalogue.open("rb") as stream:
        sentences = [
            " ".join(str(message.id).split("%(")[0].split())
            for message in read_po(stream)
            if message.id and isinstance(message.id, str)
        ]
    english = [s for s in sentences if len(s.split()) >= 3 and s in texts["en"]]
    assert len(english) >= 10  # the English report uses the catalogue ...
    assert [s for s in english if s in texts["da"]] == []  # ... and the Danish one none of it


def test_change_of_the_same_people_is_paired_and_says_so(app):
    plan = {("Ask", 0): (6, 2), ("Birken", 0): (6, 4), ("Ask", 1): (6, 3), ("Birken", 1): (6, 4)}
    _study, ask, _birken, rounds = two_site_study(app, plan)
    text, _m, _l = pdf_text(render_site_report(build_site_report(ask, rounds[1], "da", DAY)))
    text = " ".join(text.split())
    # Every person moved from 2 to 3 on every statement: wellbeing at work 2.5 → 3.0 (two
    # statements are reversed), support 2 → 3.
    assert "+0,5 (de samme 6 personer)" in text
    assert "+1,0 (de samme 6 personer)" in text


FIGURE = re.compile(r"^(Ask|Birken|Alle steder|Dette sted, sidste runde)(?: \d+)? \d+,\d \(", re.M)


def published_groups(text: str, site: str | None, round_: int, score: str) -> set:
    """Return the groups of (site, round) cells whose average a PDF prints for one score."""
    text = " \n".join(text.splitlines())
    start = text.index(f"{score} (skala")
    end = text.find("(skala", start + len(score) + 7)
    section = text[start : end if end > 0 else None]
    groups = set()
    for name in FIGURE.findall(section.replace(" \n", "\n")):
        if name == "Alle steder":
            groups.add(frozenset({("Ask", round_), ("Birken", round_)}))
        elif name == "Dette sted, sidste runde":
            groups.add(frozenset({(site, round_ - 1)}))
        else:
            groups.add(frozenset({(name, round_)}))
    return groups


@pytest.mark.parametrize(
    "plan",
    [
        None,  # the case: Ask 3 and Birken 6 in round 1, both 6 in round 2
        {("Ask", 0): (6, 2), ("Birken", 0): (6, 4), ("Ask", 1): (3, 3), ("Birken", 1): (6, 5)},
        {("Ask", 0): (3, 2), ("Birken", 0): (6, 4), ("Ask", 1): (4, 3), ("Birken", 1): (6, 5)},
    ],
)
def test_no_audience_can_work_out_a_hidden_figure_from_what_it_receives(app, plan):
    from survey.reports.disclosure import recoverable

    _study, ask, birken, rounds = two_site_study(app, plan)
    small = [
        frozenset({(site.name, index + 1)})
        for site in (ask, birken)
        for index, round_ in enumerate(rounds)
        if 0
        < db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Submission)
            .join(Participant)
            .where(Participant.site_id == site.id, Submission.round_id == round_.id)
        )
        < app.config["MIN_CELL"]
    ]
    assert small
    documents = {
        (site.name, index + 1): pdf_text(
            render_site_report(build_site_report(site, round_, "da", DAY))
        )[0]
        for site in (ask, birken)
        for index, round_ in enumerate(rounds)
    }
    all_sites = {
        index + 1: pdf_text(render_all_sites_report(build_all_sites_report(round_, "da", DAY)))[0]
        for index, round_ in enumerate(rounds)
    }
    for score in ("Trivsel på arbejdet", "Støtte"):
        evaluators = set()
        for (site, round_), text in documents.items():
            evaluators |= published_groups(text, site, round_, score)
        for round_, text in all_sites.items():
            evaluators |= published_groups(text, None, round_, score)
        assert evaluators  # something is published ...
        assert recoverable(evaluators, small) == []  # ... and nothing small follows from it
        for site in ("Ask", "Birken"):
            coordinator = set()
            for (name, round_), text in documents.items():
                if name == site:
                    coordinator |= published_groups(text, site, round_, score)
            assert recoverable(coordinator, small) == []


def test_names_with_markup_and_emoji_print_as_text_without_boxes(app, demo):
    from survey.reports.cli import report_filename

    site = demo.sites[0]
    site.name = "Hus & Æble 🌳 <Lys>"
    demo.name = "Studie <1> & 🌟"
    db.session.commit()
    text, metadata, _lang = pdf_text(
        render_site_report(build_site_report(site, baseline(demo), "da", DAY))
    )
    assert "Tilbagemelding – Hus & Æble <Lys>" in " ".join(text.split())
    assert "Studie <1> &" in text
    assert "🌳" not in text and "🌟" not in text and "\ufffd" not in text
    assert "🌳" not in metadata["Title"] and "Hus & Æble <Lys>" in metadata["Title"]
    everyone, _m, _l = pdf_text(
        render_all_sites_report(build_all_sites_report(baseline(demo), "da", DAY))
    )
    assert "Hus & Æble <Lys>" in everyone and "🌳" not in everyone
    assert report_filename(site) == f"{site.id}_Hus-Aeble-Lys.pdf"


ROW = re.compile(r"^(.+?) (?:\d+ )?\d+,\d \(", re.M)


def test_groupings_by_how_and_age_never_give_a_small_site_away(app):
    from survey.models import AgeBand, AssistanceMode
    from survey.reports.disclosure import recoverable

    # Every child at Ask is 6-9 and answered with an interpreter: "all sites" minus the
    # "alone" row, or minus the other age bands, would be Ask's 3 children.
    _study, round_, cells = children_study(
        app,
        {
            "Ask": (3, AssistanceMode.INTERPRETER, AgeBand.AGE_6_9),
            "Birken": (6, AssistanceMode.ALONE, AgeBand.AGE_10_12),
            "Cedertræ": (7, AssistanceMode.ALONE, AgeBand.AGE_13_18),
        },
    )
    names = {
        "Alle steder": set(cells.values()),
        "Alene": {cell for cell in cells.values() if cell[1] == "alone"},
        "Med tolk": {cell for cell in cells.values() if cell[1] == "interpreter"},
        **{f"{band.replace('-', '–')} år": set() for band in ("6-9", "10-12", "13-18")},
        **{name: {cell} for name, cell in cells.items()},
    }
    for cell in cells.values():
        names[f"{cell[2].replace('-', '–')} år"].add(cell)
    sites = [
        pdf_text(render_site_report(build_site_report(site, round_, "da", DAY)))[0]
        for site in _study.sites
    ]
    everyone = pdf_text(render_all_sites_report(build_all_sites_report(round_, "da", DAY)))[0]
    assert "Sådan svarede børnene" in everyone and "13–18 år" in everyone
    for score in ("Trivsel", "Tryghed", "Hørt og inddraget"):
        published = set()
        for text in [everyone, *sites]:
            start = text.index(f"{score} (skala")
            end = text.find("(skala", start + len(score) + 7)
            section = text[start : end if end > 0 else None]
            for name in ROW.findall(section):
                if name in names:
                    published.add(frozenset(names[name]))
        assert frozenset(names["Birken"]) in published  # the figures are read back ...
        assert recoverable(published, [frozenset({cells["Ask"]})]) == []  # ... Ask safe
    assert "skjult, så en anden gruppes tal ikke kan regnes ud" in " ".join(everyone.split())


def test_all_sites_report_names_each_score_and_groups_children_by_how_and_age(app, demo):
    round_ = baseline(demo)
    completed = db.session.execute(
        sa.select(Participant.group, Participant.age_band, Submission.assistance_mode)
        .join(Submission, Submission.participant_id == Participant.id)
        .where(Submission.round_id == round_.id, Submission.status == SubmissionStatus.COMPLETED)
    ).all()
    modes = {mode.value for group, _band, mode in completed if group is Group.CHILD and mode}
    bands = {band.value for group, band, _mode in completed if group is Group.CHILD and band}
    report = build_all_sites_report(round_, "da", DAY)
    scores = {(score.instrument.key, score.score_id): score for score in report.scores}
    assert ("child_wellbeing", "wellbeing") in scores
    assert ("staff_wellbeing", "support") in scores
    for (key, score_id), score in scores.items():
        declared = next(s for s in score.instrument.scores if s.id == score_id)
        assert (score.method, score.higher_is) == (declared.method, declared.higher_is)
        assert score.total.name == ""
        if score.instrument.respondent is Group.CHILD:
            assert {row.name for row in score.by_assistance} <= modes
            assert score.by_assistance, key
            names = [row.name for row in score.by_age_band]
            assert names == [b for b in ("6-9", "10-12", "13-18") if b in names]
            assert set(names) <= bands and len(names) >= 2
        else:
            assert (score.by_assistance, score.by_age_band) == ([], [])


def test_an_item_is_shown_from_exactly_min_cell_answers_and_hidden_below(app):
    # The same 5 staff answer at Ask in both rounds, 6 at Birken; in round 2 Ask's answers to
    # sw_01 spread over the scale.
    plan = {("Ask", 0): (5, 4), ("Birken", 0): (6, 2), ("Ask", 1): (5, 3), ("Birken", 1): (6, 5)}
    _study, ask, _birken, rounds = two_site_study(app, plan)
    values = [1, 2, 2, 4, 5]
    answers = db.session.scalars(
        sa.select(Answer)
        .join(Submission)
        .join(Participant)
        .where(
            Submission.round_id == rounds[1].id,
            Participant.site_id == ask.id,
            Answer.item_id == "sw_01",
        )
    ).all()
    for answer, value in zip(answers, values, strict=True):
        answer.value = value
    db.session.commit()
    app.config["MIN_CELL"] = 5
    [spread] = [
        d for d in build_site_report(ask, rounds[1], "da", DAY).items if d.item.id == "sw_01"
    ]
    assert (spread.n, spread.hidden) == (5, False)
    assert spread.shares == pytest.approx([0.2, 0.4, 0.0, 0.2, 0.2])
    app.config["MIN_CELL"] = 6
    [spread] = [
        d for d in build_site_report(ask, rounds[1], "da", DAY).items if d.item.id == "sw_01"
    ]
    assert (spread.n, spread.hidden) == (5, True)


@pytest.mark.parametrize("status", [SubmissionStatus.IN_PROGRESS, SubmissionStatus.DECLINED])
def test_only_completed_questionnaires_count_in_a_report(app, status):
    # Six staff at each site answered everything with 3 (Ask) or 5 (Birken) in round 2; a
    # seventh at Ask stopped half-way with 1 everywhere: no score or spread may move.
    plan = {("Ask", 0): (6, 4), ("Birken", 0): (6, 2), ("Ask", 1): (6, 3), ("Birken", 1): (6, 5)}
    _study, ask, _birken, rounds = two_site_study(app, plan)
    unfinished = make_submission(make_participant(ask, Group.STAFF).participant, rounds[1], status)
    unfinished.answers += wellbeing_answers(1)
    db.session.commit()
    report = build_site_report(ask, rounds[1], "da", DAY)
    wellbeing = [f for f in report.scores if f.instrument.key == "staff_wellbeing"]
    assert {f.site_n for f in wellbeing} == {6}
    assert {f.site.mean for f in wellbeing} == {3.0}  # reversed statements: 6 - 3 = 3
    spread = next(d for d in report.items if d.item.id == "sw_01")
    assert (spread.n, spread.shares) == (6, [0.0, 0.0, 1.0, 0.0, 0.0])


def test_an_all_sites_report_of_sixty_sites_prints_every_site(app):
    from types import SimpleNamespace

    from survey.instruments import get_registry
    from survey.reports.build import AllSitesReport, AllSitesScore, ScoreRow
    from survey.reports.stats import Estimate

    # 60 sites' rows and all sites' do not fit one chart on a page (a LayoutError once):
    # they come as charts of at most 25 rows, on one axis.
    rows = [ScoreRow(f"Sted {n:02}", Estimate(6, 3.0, 2.5, 3.5, 0.5), 6) for n in range(60)]
    score = AllSitesScore(
        instrument=get_registry().get("staff_wellbeing", 1),
        score_id="support",
        label={"da": "Støtte", "en": "Support"},
        low=1.0,
        high=5.0,
        sites=rows,
        total=ScoreRow("", Estimate(360, 3.0, 2.9, 3.1, 0.1), 360),
        by_assistance=[],
    )
    report = AllSitesReport(
        study=SimpleNamespace(name="Stor studie"),
        round=SimpleNamespace(name="r1"),
        language="da",
        generated_on=DAY,
        min_cell=3,
        response=[],
        scores=[score],
    )
    text = "\n".join(pdf_pages(render_all_sites_report(report)))
    for n in range(60):
        assert text.count(f"Sted {n:02}") == 2  # in the table and beside its dot
