"""SQL statements per respondent request, counted at the database driver (issue #18).

What a request reads: the submission with its person, round and the round's questionnaires
in one statement; the answers only where a page or a rule needs them. On SQLite each
transaction starts with BEGIN IMMEDIATE (a statement of its own); PostgreSQL's driver
starts transactions without one. A COMMIT is no statement here on either."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from survey.extensions import db
from survey.models import Submission
from survey.respond import flow

BEGIN = {"sqlite": 1, "postgresql": 0}


@pytest.fixture
def statements(client) -> Iterator[list[str]]:
    """Collect the statements the client's app sends to the database."""
    seen: list[str] = []

    def count(_connection, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    with client.application.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", count)


def kinds(statements: list[str]) -> list[str]:
    return [statement.split()[0].upper() for statement in statements]


def test_a_background_save_is_one_read_and_the_upsert(child_client, statements, backend):
    client, _ = child_client("teen")
    statements.clear()
    response = client.post("/respond/answer", json={"index": 0, "choice": "2", "seq": 1})
    assert response.status_code == 200
    assert response.get_json() == {"ok": True, "next": "/respond/q/1"}
    assert kinds(statements) == ["BEGIN"] * BEGIN[backend] + ["SELECT", "INSERT"]


def test_an_answer_without_javascript_and_the_next_page_take_two_reads_and_the_upsert(
    child_client, statements, backend
):
    client, first = child_client("teen")
    statements.clear()
    response = client.post(first, data={"choice": "2"})
    assert response.headers["Location"] == "/respond/q/1"
    assert client.get("/respond/q/1").status_code == 200
    begin = ["BEGIN"] * BEGIN[backend]
    # The page reads the answers: the progress, the choice made and the way back need them.
    assert kinds(statements) == [*begin, "SELECT", "INSERT", *begin, "SELECT", "SELECT"]


def test_a_follow_up_reads_the_answers_it_depends_on_once_and_the_last_completes(
    child_client, statements, backend
):
    client, _ = child_client("teen")
    submission = db.session.scalars(sa.select(Submission)).one()
    questions = flow.questions(submission)
    follow_up = next(q for q in questions if q.item.show_if is not None)
    asked = next(q for q in questions if q.item.id == follow_up.item.show_if.item)
    for question in questions[: follow_up.index]:
        choice = "3" if question is asked else "1"
        client.post("/respond/answer", json={"index": question.index, "choice": choice, "seq": 1})
    statements.clear()
    response = client.post(
        "/respond/answer", json={"index": follow_up.index, "choice": "1", "seq": 2}
    )
    # The follow-up is the last question: its save completes the submission (the UPDATE).
    assert response.get_json() == {"ok": True, "next": "/respond/done"}
    expected = ["SELECT", "SELECT", "INSERT", "UPDATE"]
    assert kinds(statements) == ["BEGIN"] * BEGIN[backend] + expected


def test_a_sections_page_asked_for_by_respond_js_takes_two_reads(child_client, statements, backend):
    # The section's questions come from what the page reads anyway: the submission with its
    # person and round, and the answers (the choices made, the progress).
    client, _ = child_client("teen")
    statements.clear()
    response = client.get("/respond/q/0", headers={"X-Respond-Section": "1"})
    assert response.status_code == 200
    assert response.text.count('class="question ') > 1
    assert kinds(statements) == ["BEGIN"] * BEGIN[backend] + ["SELECT", "SELECT"]
