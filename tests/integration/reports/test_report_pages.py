"""Feedback reports as web pages: the PDF's figures, its suppression, access, audit, tables."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from itertools import pairwise

import lxml.html
import sqlalchemy as sa

from survey.extensions import db
from survey.models import (
    AuditEvent,
    Group,
    Participant,
    Round,
    Submission,
    User,
)
from tests.conftest import missing
from tests.integration.conftest import COORDINATOR, EVALUATOR
from tests.integration.reports.studies import support_mean

#: A score or a change with one decimal, as the Danish report writes it: 3,4 or +0,5.
DANISH_DECIMAL = re.compile(r"[+-]?\d+,\d")
PERCENT = re.compile(r"(\d+) %")
#: "95 % interval" is a heading, not a figure.
INTERVAL_WORDS = re.compile(r"95 %[ -]interval")
TOO_FEW = "for få svar til at vise"
PROTECTED = "skjult, så en anden gruppes tal ikke kan regnes ud"
#: The staff questionnaires' scores, as their Danish headings begin.
STAFF_SCORES = (
    "Din faglige sikkerhed:",
    "Din trivsel på arbejdet:",
    "Voldsomme situationer de sidste 4 uger:",
)


def baseline(study):
    return next(r for r in study.rounds if r.name == "baseline")


def site_url(round_id: int, site_id: int) -> str:
    return f"/admin/reports/{round_id}/sites/{site_id}"


def all_sites_url(round_id: int) -> str:
    return f"/admin/reports/{round_id}/all-sites"


def normalise(text: str) -> str:
    return " ".join(text.split())


def page_text(html: str) -> str:
    """Return the main content's text, every text node apart (table cells do not run together)."""
    main = lxml.html.fromstring(html).find(".//main")
    return normalise(" ".join(main.itertext()))


def pdf_text(content: bytes, tmp_path) -> str:
    """Return the PDF's text as poppler's pdftotext reads it."""
    if shutil.which("pdftotext") is None:
        missing("pdftotext (Debian package poppler-utils)")
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=60
    )
    return normalise(result.stdout.decode("utf-8"))


def figures(text: str) -> tuple[Counter, Counter, Counter]:
    """Return the decimals, the percentages and the "completed / invited" pairs of a text."""
    text = INTERVAL_WORDS.sub("", text)
    return (
        Counter(DANISH_DECIMAL.findall(text)),
        Counter(PERCENT.findall(text)),
        # pdftotext may read "7 / 8" as "7/8".
        Counter(pair.replace(" ", "") for pair in re.findall(r"\d+ ?/ ?\d+", text)),
    )


def tables(html: str) -> list:
    return lxml.html.fromstring(html).findall(".//main//table")


def caption(table) -> str:
    return normalise(table.find("caption").text_content())


def rows(table) -> dict[str, list[str]]:
    """Return {row header: [cell texts]} of a table's body."""
    return {
        normalise(row.find("th").text_content()): [
            normalise(cell.text_content()) for cell in row.findall("td")
        ]
        for row in table.findall("tbody/tr")
    }


def leave_three_staff(site, round_) -> None:
    """Delete all but three staff submissions of the site in the round."""
    staff = db.session.scalars(
        sa.select(Submission)
        .join(Participant)
        .where(
            Submission.round_id == round_.id,
            Participant.site_id == site.id,
            Participant.group == Group.STAFF,
        )
        .order_by(Submission.id)
    ).all()
    for submission in staff[3:]:
        db.session.delete(submission)
    db.session.commit()


def test_site_page_shows_the_same_figures_as_the_pdf(sign_in, demo_staff, demo, tmp_path):
    round_, site = baseline(demo), demo.sites[0]
    mean, n = support_mean(site, round_)
    evaluator = sign_in(EVALUATOR)
    page = evaluator.get(site_url(round_.id, site.id))
    pdf = evaluator.get(site_url(round_.id, site.id) + ".pdf")
    assert page.status_code == 200 and pdf.status_code == 200
    html, printed = page.get_data(as_text=True), pdf_text(pdf.data, tmp_path)
    shown = page_text(html)
    decimals, percentages, _pairs = figures(shown)
    assert decimals and percentages
    assert (decimals, percentages) == figures(printed)[:2]
    # One figure against a calculation by hand: the support score of the site's staff.
    assert n >= 5
    support = next(table for table in tables(html) if "Støtte (skala 1–5" in caption(table))
    assert rows(support)[site.name][0].startswith(f"{mean:.1f} (".replace(".", ","))
    # The PDF's explanations, word for word.
    assert "Sådan læser du rapporten" in shown
    reading = lxml.html.fromstring(html).findall(".//section[@aria-labelledby='reading']/p")
    assert len(reading) == 3
    for paragraph in reading:
        assert normalise(paragraph.text_content()) in printed
    assert "De fleste af jer svarede" in shown or "Flest af jer svarede" in shown


def test_all_sites_page_shows_the_same_figures_as_the_pdf(sign_in, demo_staff, demo, tmp_path):
    round_ = baseline(demo)
    evaluator = sign_in(EVALUATOR)
    page = evaluator.get(all_sites_url(round_.id))
    pdf = evaluator.get(f"/admin/reports/{round_.id}/all-sites.pdf")
    assert page.status_code == 200 and pdf.status_code == 200
    html = page.get_data(as_text=True)
    decimals, percentages, pairs = figures(page_text(html))
    assert decimals and sum(pairs.values()) == 2 * len(demo.sites)
    assert (decimals, percentages, pairs) == figures(pdf_text(pdf.data, tmp_path))
    assert "Sådan svarede børnene" in page_text(html) and "13–18 år" in page_text(html)


def test_a_suppressed_figure_is_neither_shown_nor_recoverable(sign_in, demo_staff, demo):
    round_, site = baseline(demo), demo.sites[2]
    leave_three_staff(site, round_)
    hidden_mean, hidden_n = support_mean(site, round_)
    assert 1 <= hidden_n < 5
    hidden_text = f"{hidden_mean:.1f}".replace(".", ",")
    evaluator = sign_in(EVALUATOR)
    html = evaluator.get(site_url(round_.id, site.id)).get_data(as_text=True)
    staff_tables = [t for t in tables(html) if caption(t).startswith(STAFF_SCORES)]
    assert len(staff_tables) == 6
    for table in staff_tables:
        cells = rows(table)[site.name]
        assert cells[0] == TOO_FEW
        assert not any(re.search(r"\d", cell) for cell in cells), cells
    support = next(t for t in staff_tables if "Støtte" in caption(t))
    assert not any(hidden_text in cell for cell in rows(support)[site.name])
    # The site's staff answers spread over no choices either: three people only.
    spread = {
        question: cells
        for table in tables(html)
        for question, cells in rows(table).items()
        if question.startswith(("sw_", "sk_", "ss_"))
    }
    assert len(spread) == 8 + 10 + 8
    assert all(cells == [TOO_FEW] for cells in spread.values())

    everyone = evaluator.get(all_sites_url(round_.id)).get_data(as_text=True)
    staff_tables = [t for t in tables(everyone) if caption(t).startswith(STAFF_SCORES)]
    assert len(staff_tables) == 6
    for table in staff_tables:
        by_name = rows(table)
        assert by_name[site.name] == ["", TOO_FEW]
        # Subtracting the other sites from all sites must not give the small site's figure:
        # another site is hidden as well (and says why), or all sites is.
        without_figure = [name for name, cells in by_name.items() if not cells[0]]
        protected = [name for name, cells in by_name.items() if cells[1] == PROTECTED]
        assert len(without_figure) >= 2 or by_name["Alle steder"][0] == ""
        assert protected or by_name["Alle steder"][1] in (TOO_FEW, PROTECTED)
    assert hidden_text + " (" not in " ".join(
        cell for table in staff_tables for cell in rows(table)[site.name]
    )


def test_change_of_the_same_people_reads_as_in_the_pdf(app, sign_in, demo_staff):
    from tests.integration.reports.studies import two_site_study

    plan = {("Ask", 0): (6, 2), ("Birken", 0): (6, 4), ("Ask", 1): (6, 3), ("Birken", 1): (6, 4)}
    _study, ask, _birken, rounds = two_site_study(app, plan)
    evaluator = sign_in(EVALUATOR)
    text = page_text(evaluator.get(site_url(rounds[1].id, ask.id)).get_data(as_text=True))
    # Every person moved from 2 to 3 on every statement: wellbeing at work 2.5 to 3.0 (two
    # statements are reversed), support 2 to 3.
    assert "+0,5 (de samme 6 personer)" in text
    assert "+1,0 (de samme 6 personer)" in text


def test_coordinator_reads_only_their_own_site_once_released(sign_in, demo_staff, demo):
    round_, mine, theirs = baseline(demo), demo.sites[0], demo.sites[1]
    round_id, mine_id, theirs_id = round_.id, mine.id, theirs.id
    coordinator = sign_in(COORDINATOR)
    assert coordinator.get(site_url(round_id, mine_id)).status_code == 403  # closed, not released
    db.session.get(Round, round_id).release()
    db.session.commit()
    assert coordinator.get(site_url(round_id, mine_id)).status_code == 200
    assert coordinator.get(site_url(round_id, theirs_id)).status_code == 404
    assert coordinator.get(all_sites_url(round_id)).status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client, demo):
    round_, site = baseline(demo), demo.sites[0]
    for url in (site_url(round_.id, site.id), all_sites_url(round_.id)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/login")


def test_reading_a_report_page_is_audited(sign_in, demo_staff, demo):
    round_, site = baseline(demo), demo.sites[0]
    round_id, site_id = round_.id, site.id
    evaluator = sign_in(EVALUATOR)
    assert evaluator.get(site_url(round_id, site_id)).status_code == 200
    assert evaluator.get(all_sites_url(round_id)).status_code == 200
    user_id = db.session.scalar(sa.select(User.id).where(User.email == EVALUATOR))
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "report.download").order_by(AuditEvent.id)
    ).all()
    assert [
        (event.actor_user_id, event.object_type, event.object_id, event.details) for event in events
    ] == [
        (user_id, "site", str(site_id), {"round": "baseline", "format": "html"}),
        (user_id, "round", str(round_id), {"format": "html"}),
    ]


def test_every_table_has_a_caption_and_headers(sign_in, demo_staff, demo):
    round_, site = baseline(demo), demo.sites[0]
    evaluator = sign_in(EVALUATOR)
    for url, at_least in ((site_url(round_.id, site.id), 20), (all_sites_url(round_.id), 10)):
        html = evaluator.get(url).get_data(as_text=True)
        found = tables(html)
        assert len(found) >= at_least
        for table in found:
            assert caption(table)
            heads = table.findall("thead/tr/th")
            assert heads and all(th.get("scope") == "col" and th.text_content() for th in heads)
            body = table.findall("tbody/tr")
            assert body
            for row in body:
                assert row[0].tag == "th" and row[0].get("scope") == "row"
                width = sum(int(cell.get("colspan", 1)) for cell in row)
                assert width == len(heads)
        headings = [int(h.tag[1]) for h in lxml.html.fromstring(html).iter("h1", "h2", "h3", "h4")]
        assert headings[0] == 1 and headings.count(1) == 1
        assert all(b - a <= 1 for a, b in pairwise(headings))


def test_danish_by_default_and_english_on_request(sign_in, demo_staff, demo):
    round_, site = baseline(demo), demo.sites[0]
    url = site_url(round_.id, site.id)
    evaluator = sign_in(EVALUATOR)
    danish = evaluator.get(url).get_data(as_text=True)
    document = lxml.html.fromstring(danish)
    assert document.get("lang") == "da"
    assert normalise(document.find(".//h1").text_content()) == (
        "Tilbagemelding – Døgninstitutionen Egebakken"
    )
    text = page_text(danish)
    assert "Svarprocenter" in text and "Trivsel på arbejdet (skala 1–5, højere er bedre)" in text
    assert DANISH_DECIMAL.search(text)

    switched = evaluator.post("/language", data={"language": "en", "next": url})
    assert switched.status_code == 303
    english = evaluator.get(url).get_data(as_text=True)
    document = lxml.html.fromstring(english)
    assert document.get("lang") == "en"
    assert normalise(document.find(".//h1").text_content()) == (
        "Feedback report – Døgninstitutionen Egebakken"
    )
    text = page_text(english)
    assert "Response rates" in text and "How to read this report" in text
    assert "Your wellbeing at work: Wellbeing at work (scale 1–5, higher is better)" in text
    assert "This is what you told us" in text
    assert not DANISH_DECIMAL.search(text) and re.search(r"\d\.\d \(\d\.\d–\d\.\d\)", text)
    assert "Svarprocenter" not in text and "Trivsel på arbejdet" not in text
    everyone = page_text(evaluator.get(all_sites_url(round_.id)).get_data(as_text=True))
    assert "All sites – Demo: Tryg hverdag" in everyone and "How the children answered" in everyone


def test_round_and_site_pages_link_each_pdf_to_its_web_page(sign_in, demo_staff, demo):
    round_, site = baseline(demo), demo.sites[0]
    round_id, site_id = round_.id, site.id
    sites = [s.id for s in demo.sites]
    evaluator = sign_in(EVALUATOR)
    document = lxml.html.fromstring(evaluator.get(f"/admin/rounds/{round_id}").data)
    links = document.xpath("//section[@aria-labelledby='reports']//li")
    hrefs = [[a.get("href") for a in item.findall("a")] for item in links]
    assert [all_sites_url(round_id) + ".pdf", all_sites_url(round_id)] in hrefs
    for other in sites:
        assert [site_url(round_id, other) + ".pdf", site_url(round_id, other)] in hrefs
    db.session.get(Round, round_id).release()
    db.session.commit()
    coordinator = sign_in(COORDINATOR)
    document = lxml.html.fromstring(coordinator.get(f"/admin/sites/{site_id}").data)
    hrefs = document.xpath("//section[@aria-labelledby='rates']//a/@href")
    assert site_url(round_id, site_id) + ".pdf" in hrefs
    assert site_url(round_id, site_id) in hrefs
