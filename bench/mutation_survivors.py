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
        r"dataset\.x__query__mutmut_(1[0246])$|dataset\.x_participation_rows__mutmut_2[13]$|"
        r"dataset\.x__count__mutmut_[68]$",
        "equivalent: SQLAlchemy finds the same join from the foreign key",
    ),
    (
        r"dataset\.x__query__mutmut_[3467]$|dataset\.x_participation_rows__mutmut_(7|10)$",
        "equivalent: the order within a site by participant id matches the test data's "
        "registration order (participants are registered site by site), and a round's rows "
        "stay together whether or not they are sorted by site",
    ),
    (
        r"dataset\.x__stream__mutmut_3$|dataset\.x_participation_rows__mutmut_51$",
        "equivalent: `yield_per` sets how many rows are held at once, not which rows come",
    ),
    (
        r"dataset\.x_submission_count__|dataset\.x_long_row_count__|"
        r"dataset\.x_participant_count__",
        "equivalent: `count(NULL)` compiles to `count(*)` and the counted rows are the same",
    ),
    (
        r"writers\.x_csv_chunks__mutmut_9$",
        "equivalent: `\\r\\n` is `csv`'s default line end",
    ),
    (
        r"writers\.x_json_chunks__mutmut_(7|21|48)$",
        "equivalent: `ensure_ascii=None` is false, like `False`",
    ),
    (
        r"writers\.x_json_chunks__mutmut_14$",
        "equivalent: the first row always starts a submission, so the starting value of "
        "`current` is never written",
    ),
    (
        r"writers\.x_json_chunks__mutmut_32$",
        "equivalent: a submission without answers comes with an answer of all `None`, so its "
        "questionnaire (0) and version (1) are both `None` or both set",
    ),
    (
        r"writers\.x_json_chunks__mutmut_4[034]$",
        "equivalent: every answer row holds exactly the answer columns, so `strict` never acts",
    ),
    (
        r"writers\.x__frame__mutmut_12$",
        "equivalent: `float('NAN')` is NaN",
    ),
    (
        r"writers\.x__frame__mutmut_20$",
        "equivalent: an empty text cell is blank in SPSS and Stata whether it is `''` or "
        "missing (PSPP reads both back as blank)",
    ),
    (
        r"writers\.x__frame__mutmut_3[13]$",
        "equivalent: the dict is built in column order, and a DataFrame keeps a dict's order",
    ),
    (
        r"writers\.x_write_xlsx__mutmut_(9|52)$",
        "equivalent: the sheet given to a cell only carries styles, which these cells lack",
    ),
    (
        r"writers\.x_write_xlsx__mutmut_18$",
        "equivalent: `_xlsx_cell` gives back anything but text as it is; the check only "
        "saves a call",
    ),
    (
        r"writers\.x__xlsx_cell__mutmut_1$",
        "equivalent: only text reaches `_xlsx_cell`, and openpyxl stores text as text, "
        "whether in a plain or a marked cell",
    ),
    (
        r"writers\.x_write_stats_file__mutmut_37$",
        "equivalent: SPSS formats are case-insensitive (`f2.0` is `F2.0`)",
    ),
    (
        r"writers\.x_write_stats_file__mutmut_61$",
        "equivalent: Stata version 15 is pyreadstat's default",
    ),
    (
        r"writers\.x_write_stats_file__mutmut_48$",
        "accepted: the Stata missing-value cast; PSPP and pandas read the same values back",
    ),
    (
        r"scoring\.x__most_events__",
        "equivalent: every choice of a count scale declares its count (the instrument check "
        "refuses one that does not), so `or 0.0` never acts",
    ),
    (
        r"disclosure\.x_determined__mutmut_(14|20)$|disclosure\.x_average__mutmut_7$",
        "equivalent: a weight of 2 instead of 1 scales a row of the equations, which leaves "
        "their rank, and so what can be worked out, unchanged",
    ),
    (
        r"disclosure\.x_determined__mutmut_17$",
        "equivalent: a second target row of zeros adds nothing to the rank",
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
        r"writers\.x_long_csv_chunks__mutmut_6$",
        "equivalent: `\\r\\n` is `csv`'s default line end",
    ),
    (
        r"writers\.x_long_csv_chunks__mutmut_2[0-2]$",
        "equivalent: the first row always starts a submission, so the starting values of "
        "`fields` and `start` are never written",
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
        r"disclosure\.x__vanishing_on__mutmut_7$",
        "equivalent: a singular value of exactly 1e-9 does not occur; the tolerance only "
        "separates zero (rounding noise, about 1e-15) from real values (0.1 and more)",
    ),
    (
        r"build\.x__figures__mutmut_2$",
        "equivalent: the first round never reads `earlier`",
    ),
    (
        r"build\.x__hidden__mutmut_7$",
        "accepted: counting a person's two rounds as two people changed no decision in a "
        "randomised search of 20,000 two-round studies (up to 9 children at 3 sites, modes "
        "and bands, k from 2 to 5): a person's cells of two rounds only meet in the site's "
        "change, which holds them with opposite signs",
    ),
    (
        r"build\.x__site_score__mutmut_108$",
        "accepted: a randomised search of 4,000 two-round studies found none where all sites "
        "are withheld over exactly k people (only over more), so `>` and `>=` agree there",
    ),
    (
        r"disclosure\.x_exposed__mutmut_3$",
        "equivalent: a class of exactly k people is never part of a set of fewer than k, so "
        "the search finds the same sets whether it counts as small or large",
    ),
    (
        r"disclosure\.x_exposed__mutmut_7$",
        "equivalent: with no small class the combinations have nothing to depend on, and the "
        "rank of nothing is 0",
    ),
    (
        r"disclosure\.x_exposed__mutmut_2[01]$",
        "equivalent: a class with no weight in any combination never lowers the rank when "
        "left out, so taking it into the search (or at exactly 1e-9) finds the same sets",
    ),
    (
        r"disclosure\.x__complements__mutmut_30$",
        "accepted: reached only when figures printed in an earlier round became unsafe, "
        "which happens only if that round's search gave up at MAX_SUBSETS",
    ),
    (
        r"accounts\.x_create_user__mutmut_(45|47|50|52|57|58)$",
        "killed since run 9 (the mutant put in by hand): "
        "`test_a_new_user_is_audited_with_its_role_and_who_made_it`",
    ),
    (
        r"disclosure\.x_exposed__mutmut_48$|stats\.x_t_quantile__mutmut_1[12]$|"
        r"build\.x__score_round__mutmut_69$",
        "killed since run 9 (the mutant put in by hand): the search goes on past large pairs; "
        "t at 120 and 121 degrees of freedom; a questionnaire completed with one answer",
    ),
    (
        r"build\.x__score_round__mutmut_34$",
        "removed since run 9: no figure reads the respondent's group, so it is no longer read",
    ),
    (
        r"build\.x__score_round__mutmut_(1[3-8]|65)$",
        "equivalent: a participant has one submission per round, so ordering by site, person "
        "or submission, or grouping by person, keeps each submission's rows together",
    ),
    (
        r"build\.x__score_round__mutmut_(2[468]|30)$",
        "equivalent: SQLAlchemy finds the same join from the foreign key",
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
        r"views\.x__page_language__mutmut_(3|4|6)$",
        "equivalent: the locale selector only ever gives `da` or `en`, both in `LANGUAGES`",
    ),
    (
        r"views\.x__choice_of__mutmut_5$",
        "equivalent: a stored answer without a value always has a missing code",
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
    """Return why the mutant may stay, or say that nobody has looked at it yet. A timeout of
    a mutant known to survive is a slow survivor, not a detected one: its reason says so."""
    why = next((why for pattern, why in REASONS if re.search(pattern, name)), None)
    if status == "timeout":
        return TIMEOUT if why is None else f"a slow survivor, not detected: {why}"
    return why or "**not yet analysed**"


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
