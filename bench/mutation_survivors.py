"""List every mutant the last `make mutation` run left alive, with its change and why it may stay.

Reads the statuses from ``mutants/**/*.py.meta`` and each mutant's diff from ``mutmut show``.
A mutant alive for a reason below is equivalent (the program behaves the same) or accepted (named
so); one that no reason matches is printed as "not yet analysed", so a new survivor shows up
here until someone looks at it. Prints Markdown.

    .venv/bin/python bench/mutation_survivors.py > bench/results/mutation-survivors.md
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from mutmut.__main__ import status_by_exit_code

MUTANTS = Path("mutants")
ALIVE = ("survived", "timeout", "no tests")

#: (pattern on the mutant's name, reason). The first match wins.
REASONS: tuple[tuple[str, str], ...] = (
    (
        r"flow\.x_upsert_answer__",
        "accepted: the PostgreSQL branch of the upsert runs only with `TEST_DATABASE_URL` "
        "(swapping the dialects fails 2 tests when it is set)",
    ),
    (
        r"accounts\.x_find_site__mutmut_19$",
        "equivalent: one match has returned already, so `>= 1` and `> 1` agree",
    ),
    (
        r"web\.access\.x_requires__",
        "cannot be switched on: `requires` runs when the views are imported, before mutmut "
        "picks a mutant; `test_every_admin_route_declares_its_roles` checks the roles",
    ),
    (
        r"state\.x_current__mutmut_18$",
        "equivalent if it is `end(None)`: `end` then finds the same submission from the live "
        "cookie",
    ),
    (
        r"flow\.x_default_steps__",
        "equivalent: only children reach the setup page, and every child has an age band",
    ),
    (
        r"path\.xǁRespondentPathǁfirst_staff_page__mutmut_3$",
        "unreachable: staff complete on their last page, so a staff path with nothing "
        "unanswered is completed and sent to the end page first",
    ),
    (
        r"dataset\.x__query__|dataset\.x_participation_rows__|dataset\.x__count__mutmut_(6|8)$",
        "equivalent: SQLAlchemy finds the same join from the foreign key; `yield_per` sets "
        "memory, not rows; the order within a site by participant id matches the test "
        "data's registration order (participants are registered site by site)",
    ),
    (
        r"dataset\.x__stream__mutmut_3$|dataset\.x__count__|dataset\.x_submission_count__|"
        r"dataset\.x_long_row_count__|dataset\.x_participant_count__",
        "equivalent: `count(NULL)` compiles to `count(*)` and the counted rows are the same",
    ),
    (
        r"writers\.x_csv_chunks__",
        "equivalent: `\\r\\n` is `csv`'s default line end; where the 1,000-row chunks are cut "
        "changes the stream's pieces, not its text (`bench/export_memory.py` keeps memory flat)",
    ),
    (
        r"writers\.x_json_chunks__",
        "equivalent: `ensure_ascii=None` is false, like `False`",
    ),
    (
        r"writers\.x__sav_label__",
        "equivalent: `UTF-8` and `utf-8` name one codec, which is also the default",
    ),
    (
        r"writers\.x__frame__",
        "equivalent: `float('NAN')` is NaN; a dict keeps its column order; an empty text cell "
        "is blank in SPSS and Stata whether it is `''` or missing",
    ),
    (
        r"writers\.x_write_xlsx__|writers\.x__xlsx_cell__",
        "equivalent: the sheet given to a cell only carries styles, and openpyxl stores text "
        "as text anyway; `write_only=None` writes the same file, slower",
    ),
    (
        r"writers\.x_write_stats_file__mutmut_(37|61)$",
        "equivalent: SPSS formats are case-insensitive (`f2.0` is `F2.0`); Stata version 15 "
        "is pyreadstat's default",
    ),
    (
        r"writers\.x_write_stats_file__",
        "accepted: the Stata missing-value cast; PSPP and pandas read the same values back",
    ),
    (
        r"scoring\.x__most_events__",
        "equivalent: every choice of a count scale declares its count (the instrument check "
        "refuses one that does not), so `or 0.0` never acts",
    ),
    (
        r"disclosure\.x_determined__",
        "equivalent: the order of the cells and a weight of 2 instead of 1 in the equations "
        "leave the rank, and so what can be worked out, unchanged",
    ),
    (
        r"dataset\.x_wide_variables__mutmut_16$|dataset\.x__item_variables__mutmut_(12|24|41)$",
        "equivalent: only `Kind.RUNG` is ever read (the codebook's paragraph on rungs, "
        "tested); the other kinds label the variable for readers of the code",
    ),
    (
        r"dataset\.x_wide_variables__mutmut_(1|2)$",
        "equivalent: every caller passes the language",
    ),
    (
        r"dataset\.x__stream__mutmut_1[24]$",
        "accepted: a submission's answers to one questionnaire come by item without asking "
        "(both databases read them through the unique index on submission, questionnaire, "
        "item); the order by questionnaire is tested",
    ),
    (
        r"dataset\.x__stream__mutmut_6$",
        "accepted: the dashed form of a submission's id is the text PostgreSQL gives; only "
        "SQLite runs without `TEST_DATABASE_URL` (the export tests fail on PostgreSQL)",
    ),
    (
        r"dataset\.x__stream__mutmut_1[57]$",
        "equivalent: answers are grouped by submission in a dict, so ordering by it only helps "
        "the database; within a submission the order of items comes from the unique index",
    ),
    (
        r"dataset\.x__long_rows__mutmut_1[0-2]$|writers\.x_long_csv_chunks__mutmut_(39|40)$",
        "equivalent: a cache of what an answer becomes (item ids carry their questionnaire's "
        "prefix, so the key need not); without it every answer is worked out again, slower",
    ),
    (
        r"writers\.x_long_csv_chunks__mutmut_(6|2[0-2])$",
        "equivalent: `\\r\\n` is `csv`'s default line end; the first row always starts a "
        "submission, so the starting values of `fields` and `start` are never written",
    ),
    (
        r"state\.x__live__mutmut_3$",
        "equivalent: `_stored` already answers None for a cookie that is not a dict",
    ),
    (
        r"build\.x_build_all_sites_report__mutmut_93$",
        "equivalent: age bands do not overlap, so they sort the same by their upper ends",
    ),
    (
        r"build\.x_build_all_sites_report__mutmut_10[68]$",
        "equivalent: every score with answers has an entry in `hidden`, and a score without "
        "any has no rows to look it up for",
    ),
    (
        r"build\.x_build_all_sites_report__mutmut_(157|159|168|170)$",
        "equivalent: the rows' names come from the same lookup with `{}`, so a score without "
        "modes or bands has no rows that would look it up",
    ),
    (
        r"disclosure\.x__rank__mutmut_2$",
        "equivalent: numpy gives an empty matrix rank 0, as the guard does",
    ),
    (
        r"disclosure\.x__vanishing_on__mutmut_7$",
        "equivalent: a singular value of exactly 1e-9 does not occur; the tolerance only "
        "separates zero (rounding noise, about 1e-15) from real values (0.1 and more)",
    ),
    (
        r"build\.x_estimator__mutmut_[23]$",
        "killed since run 7: the share test checks Wilson's interval of 5 of 6",
    ),
    (
        r"build\.x__score_round__mutmut_76$|stats\.x_t_quantile__mutmut_[34]$",
        "killed since run 7: answers under another version are checked in the scores too, "
        "and the refusal of 0 degrees of freedom by its message",
    ),
    (
        r"build\.x__figures__mutmut_(2|15|20)$",
        "equivalent: the first round never reads `earlier`; a child always has an age band and "
        "staff never do; raising the top priority keeps the order of priorities",
    ),
    (
        r"flow\.x_start__mutmut_9$",
        "equivalent: without the first look, the insert clashes and the same submission is "
        "read back (one savepoint more; the two-tab test takes that branch)",
    ),
    (
        r"build\.x__score_round__mutmut_(1[3-8]|2[468]|30|65)$",
        "equivalent: a participant has one submission per round, so ordering by site, person "
        "or submission groups the same rows; SQLAlchemy finds the answers' join from the "
        "foreign key",
    ),
    (
        r"build\.x__site_score__mutmut_(96|98)$",
        "equivalent: a score with a previous figure has people in both rounds, so the default "
        "for a missing score never acts",
    ),
    (
        r"build\.x__distributions__mutmut_59$",
        "equivalent: an item without answers is hidden (n = 0 is under MIN_CELL, at least 3), "
        "so its shares are never shown",
    ),
    (
        r"accounts\.x_load_user__mutmut_3$",
        "equivalent: a session identity holds one colon (nonces are URL-safe base64)",
    ),
    (
        r"accounts\.x_authenticate__mutmut_18$",
        "accepted: it only changes which wrong passwords also cost a dummy password check "
        "(timing, which a test does not measure); the refusal and its audit are tested",
    ),
    (
        r"flow\.x_answers__mutmut_(7|8)$",
        "equivalent in CPython: the path drops its answers after each write, so the re-read "
        "builds fresh objects; `populate_existing` keeps it right should anything hold one "
        "(`test_staff_changing_an_answer_on_a_page_get_its_follow_up_saved` covers the case)",
    ),
    (
        r"path\.xǁRespondentPathǁ__init____mutmut_(6|8)$",
        "equivalent: without the instruments given, `questions` reads the same ones again",
    ),
    (
        r"views\.x__page_language__mutmut_(3|4|6)$",
        "equivalent: the locale selector only ever gives `da` or `en`, both in `LANGUAGES`",
    ),
    (
        r"views\.x__choice_of__mutmut_5$",
        "equivalent: a stored answer without a value always has a missing code",
    ),
    (
        r"views\.x__compressed__mutmut_7$",
        "equivalent: media types are read without regard to case",
    ),
    (
        r"views\.x__compressed__mutmut_13$",
        "equivalent: werkzeug compares content codings without regard to case",
    ),
    (
        r"views\.x__compressed__mutmut_(19|20)$",
        "equivalent: the compression level changes size and time, not what unpacks (the test "
        "compares the unpacked bytes)",
    ),
)

#: A timeout is a detected mutant: its tests ran past the limit (a loop that no longer ends).
TIMEOUT = "detected: the tests ran past the time limit (a loop that no longer ends)"


def reason(name: str, status: str = "survived") -> str:
    """Return why the mutant may stay, or say that nobody has looked at it yet."""
    if status == "timeout":
        return TIMEOUT
    return next(
        (why for pattern, why in REASONS if re.search(pattern, name)), "**not yet analysed**"
    )


def alive(folder: Path = MUTANTS) -> list[tuple[str, str]]:
    """Return (mutant name, status) of every mutant left alive, module by module."""
    found = []
    for meta in sorted(folder.rglob("*.py.meta")):
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        for name, code in codes.items():
            status = status_by_exit_code[code]
            if status in ALIVE:
                found.append((name, status))
    return found


def change(name: str) -> str:
    """Return the mutated line as ``old → new`` (from ``mutmut show``)."""
    diff = subprocess.run(
        [sys.executable, "-m", "mutmut", "show", name], capture_output=True, text=True, check=False
    ).stdout.splitlines()
    old = [line[1:].strip() for line in diff if line.startswith("-") and not line.startswith("---")]
    new = [line[1:].strip() for line in diff if line.startswith("+") and not line.startswith("+++")]
    text = f"`{' '.join(old)}` → `{' '.join(new) or '(removed)'}`"
    return text.replace("|", "\\|")


def main() -> int:
    """Print one row per mutant left alive."""
    rows = alive()
    print("| mutant | status | change | why it may stay |")
    print("|---|---|---|---|")
    for name, status in rows:
        print(f"| `{name}` | {status} | {change(name)} | {reason(name, status)} |")
    unexplained = sum(reason(name, status).startswith("**") for name, status in rows)
    print(f"\n{len(rows)} mutants alive; {unexplained} not yet analysed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
