"""The codebook of an export: every column it can hold, every variable and score, in da or en.

Written beside every file (``survey export``), into the bundle and as the ``codebook`` format.
"""

from __future__ import annotations

from survey.exports.dataset import (
    ANSWER_COLUMNS,
    NOT_STARTED,
    PARTICIPATION_COLUMNS,
    SUBMISSION_COLUMNS,
    Kind,
    Variable,
)
from survey.instruments.model import MISSING_LABELS, MISSING_VALUES, Instrument
from survey.instruments.periods import PERIODS
from survey.instruments.scoring import score_range
from survey.models import SubmissionStatus

#: Headings and sentences, per language (Danish first).
TEXT = {
    "da": {
        "title": "Kodebog",
        "intro": (
            "Alle eksporter af samme udtræk indeholder de samme besvarelser (også afviste, med "
            "deres status). Formatet `participation` har én række pr. tilmeldt deltager og runde, "
            "også dem der aldrig begyndte."
        ),
        "columns": "Kolonner om besvarelsen",
        "long": "Ekstra kolonner i det lange format (én række pr. svar)",
        "participation": "Kolonner i formatet participation",
        "missing": "Manglende svar",
        "missing_note": (
            "SPSS (.sav): brugerdefinerede manglende værdier -1, -2, -3. Stata (.dta): "
            "udvidede manglende værdier .a, .b, .c. R (read-data.R): NA, med grunden i "
            "`<variabel>_missing`. CSV, XLSX og JSON: tallene -1, -2, -3. En tom celle betyder, "
            "at der intet svar er."
        ),
        "value": "værdi",
        "stata": "Stata",
        "meaning": "betydning",
        "column": "kolonne",
        "variables": "Variabler",
        "variable": "variabel",
        "label": "etiket",
        "values": "værdier",
        "scores": "Skalascorer",
        "score_line": (
            "{method} af {items}{extra}; mindst {share} besvaret; interval {low}–{high}; "
            "{direction}"
        ),
        "mean": "gennemsnit",
        "percent": " %",
        "sum": "sum (forholdsmæssigt opregnet)",
        "any": "mindst én hændelse (1, hvis et svar er over laveste svarmulighed, ellers 0)",
        "count": "anslået antal hændelser (svarenes erklærede antal lagt sammen, "
        "forholdsmæssigt opregnet)",
        "per": ", pr. antallet i `{per}`",
        "times": ", ganget med {times}",
        "better": "højere er bedre",
        "worse": "højere er værre",
        "harmonised": (
            "Børn svarer på 5, 3 eller 2 svarmuligheder. `<item>_r5`, `<item>_r3` og `<item>_r2` "
            "holder svaret, som det blev givet. `<item>` holder, hvad svaret betyder på "
            "5-punktsskalaen, og er tom, hvor et svar ikke har én bestemt betydning dér (fx 'Ja, "
            "flere gange'). `<item>_any` er den grovere fælles variabel, som alle versioner kan "
            "oversættes sandt til. Scorer bruger betydningen på 5-punktsskalaen og findes ikke, "
            "hvis et svar ikke har én."
        ),
        "rounds": (
            "I formatet csv-rounds har hver deltager én række; kolonner, der kan skifte fra runde "
            "til runde, har rundens navn som endelse (fx `cw_01_baseline`)."
        ),
        "respondents": "Besvares af",
        "child": "børn",
        "staff": "medarbejdere",
    },
    "en": {
        "title": "Codebook",
        "intro": (
            "Every export of one selection holds the same submissions (declined ones too, with "
            "their status). The `participation` format has one row per registered participant "
            "and round, including those who never started."
        ),
        "columns": "Columns describing the submission",
        "long": "Extra columns of the long format (one row per answer)",
        "participation": "Columns of the participation format",
        "missing": "Missing answers",
        "missing_note": (
            "SPSS (.sav): user-missing values -1, -2, -3. Stata (.dta): extended missing values "
            ".a, .b, .c. R (read-data.R): NA, with the reason in `<variable>_missing`. CSV, XLSX "
            "and JSON: the numbers -1, -2, -3. An empty cell means there is no answer."
        ),
        "value": "value",
        "stata": "Stata",
        "meaning": "meaning",
        "column": "column",
        "variables": "Variables",
        "variable": "variable",
        "label": "label",
        "values": "values",
        "scores": "Scale scores",
        "score_line": "{method} of {items}{extra}; at least {share} answered; range "
        "{low}–{high}; {direction}",
        "mean": "mean",
        "percent": "%",
        "sum": "sum (prorated)",
        "any": "at least one event (1 if an answer is above its lowest choice, else 0)",
        "count": "estimated number of events (the answers' declared counts added, prorated)",
        "per": ", per the count in `{per}`",
        "times": ", times {times}",
        "better": "higher is better",
        "worse": "higher is worse",
        "harmonised": (
            "Children answer on 5, 3 or 2 choices. `<item>_r5`, `<item>_r3` and `<item>_r2` hold "
            "the answer as given. `<item>` holds what it means on the 5-point scale and is empty "
            "where an answer has no single meaning there (e.g. 'Yes, more than once'). "
            "`<item>_any` is the coarser common variable every version maps to truthfully. "
            "Scores use the meaning on the 5-point scale and do not exist when an answer has none."
        ),
        "rounds": (
            "In the csv-rounds format each participant has one row; columns that can change "
            "from round to round carry the round's name as a suffix (e.g. `cw_01_baseline`)."
        ),
        "respondents": "Answered by",
        "child": "children",
        "staff": "staff",
    },
}


def _periods(language: str) -> str:
    """Return the reference periods' codes with their words, e.g. ``autumn = siden …``."""
    return ", ".join(f"{code} = “{words[language]}”" for code, words in PERIODS.items())


#: What each fixed column holds, per language.
COLUMNS = {
    "research_id": (
        "Pseudonymt forsknings-id (nøglet hash; samme person i alle runder)",
        "Pseudonymous research id (keyed hash; the same person in every round)",
    ),
    "site": ("Sted", "Site"),
    "round": ("Runde", "Round"),
    "group": ("Gruppe: child (barn) eller staff (medarbejder)", "Group: child or staff"),
    "age_band": (
        "Aldersgruppe (børn): 6-9, 10-12, 13-18",
        "Age band (children): 6-9, 10-12, 13-18",
    ),
    "assistance_mode": (
        "Hjælp under besvarelsen: alone, reading_help, interpreter, "
        "adult_answers_on_childs_instruction",
        "Help while answering: alone, reading_help, interpreter, "
        "adult_answers_on_childs_instruction",
    ),
    "layout": ("Visning: faces, simple, standard", "Layout: faces, simple, standard"),
    "scale_steps": (
        "Antal svarmuligheder barnet valgte ved start (5, 3 eller 2)",
        "Number of choices the child chose at the start (5, 3 or 2)",
    ),
    "language": ("Sprog: da, en", "Language: da, en"),
    "reference_period": (
        "Perioden, som `{period}` i spørgsmålene stod for: valgt af den voksne for børn på "
        "6-9 år, ellers weeks4; tom for medarbejdere og besvarelser uden opsætning (de læste "
        "weeks4). Koder: " + _periods("da"),
        "The period `{period}` in the questions stood for: chosen by the adult for children of "
        "6-9, otherwise weeks4; empty for staff and submissions without a setup (they read "
        "weeks4). Codes: " + _periods("en"),
    ),
    "whole_period": (
        "Har barnet boet her i hele perioden? Svaret af den voksne ved start; nævneren for "
        "antal hændelser: yes (ja), no (nej), dont_know (ved ikke); tom: ikke besvaret",
        "Has the child lived here for the whole period? Answered by the adult at the start; "
        "the denominator of event counts: yes, no, dont_know; empty: not answered",
    ),
    "started_on": (
        "Dato besvarelsen begyndte (dansk tid)",
        "Day the submission started (Danish time)",
    ),
    "completed_on": ("Dato besvarelsen blev afsluttet", "Day the submission was completed"),
    "status": (
        "Status: " + ", ".join(status.value for status in SubmissionStatus),
        "Status: " + ", ".join(status.value for status in SubmissionStatus),
    ),
    "instrument": ("Spørgeskema (nøgle)", "Questionnaire (key)"),
    "version": ("Spørgeskemaets version", "Version of the questionnaire"),
    "item": ("Spørgsmålets variabelnavn", "Variable name of the item"),
    "scale": ("Skalaen svaret blev givet på", "Scale the answer was given on"),
    "value": (
        "Svaret som givet (kode på `scale`), eller -1/-2/-3",
        "The answer as given (code on `scale`), or -1/-2/-3",
    ),
    "missing": (
        "Manglende-kode: refused, dont_know, not_shown",
        "Missing code: refused, dont_know, not_shown",
    ),
    "harmonised": (
        "Svarets betydning på 5-punktsskalaen (tom: ingen entydig betydning)",
        "The answer's meaning on the 5-point scale (empty: no single meaning)",
    ),
    "common": (
        "Svaret på den fælles grove variabel (`<item>_any`)",
        "The answer on the coarse common variable (`<item>_any`)",
    ),
}
STATUS_NOTE = {
    "da": f"I participation: også `{NOT_STARTED}` (aldrig begyndt).",
    "en": f"In participation: also `{NOT_STARTED}` (never started).",
}


def render(variables: list[Variable], language: str = "da") -> str:
    """Return the export's codebook as Markdown in Danish or English."""
    text = TEXT[language]
    index = 0 if language == "da" else 1
    lines = [f"# {text['title']}", "", text["intro"], "", f"## {text['columns']}", ""]
    lines += _column_table(SUBMISSION_COLUMNS, text, index)
    lines += ["", STATUS_NOTE[language], "", f"## {text['long']}", ""]
    lines += _column_table(ANSWER_COLUMNS, text, index)
    lines += ["", f"## {text['participation']}", "", ", ".join(PARTICIPATION_COLUMNS)]
    lines += ["", text["rounds"]]
    lines += ["", f"## {text['missing']}", "", text["missing_note"], ""]
    lines += [f"| {text['value']} | {text['stata']} | {text['meaning']} |", "|---|---|---|"]
    stata = {-1: ".a", -2: ".b", -3: ".c"}
    for code, number in MISSING_VALUES.items():
        lines.append(f"| {number} | {stata[number]} | {MISSING_LABELS[code][language]} |")
    if any(variable.kind is Kind.RUNG for variable in variables):
        lines += ["", text["harmonised"]]
    instruments: dict[tuple[str, int], Instrument] = {}
    for variable in variables:
        instruments.setdefault(
            (variable.instrument.key, variable.instrument.version), variable.instrument
        )
    for instrument in instruments.values():
        own = [v for v in variables if v.instrument is instrument]
        lines += [
            "",
            f"## {instrument.key} (version {instrument.version}) — {instrument.title[language]}",
            "",
            f"{text['respondents']}: {text[instrument.respondent.value]}.",
            "",
            f"### {text['variables']}",
            "",
            f"| {text['variable']} | {text['label']} | {text['values']} |",
            "|---|---|---|",
        ]
        for variable in (v for v in own if v.scale is not None):
            values = "; ".join(f"{p.code} = {p.label[language]}" for p in variable.scale.points)
            lines.append(f"| `{variable.name}` | {_md(variable.label)} | {_md(values)} |")
        lines += ["", f"### {text['scores']}", ""]
        for variable in (v for v in own if v.score is not None):
            score = variable.score
            low, high = score_range(instrument, score)
            extra = text["per"].format(per=score.per) if score.per else ""
            if score.times != 1:
                extra += text["times"].format(times=f"{score.times:g}")
            detail = text["score_line"].format(
                method=text[score.method],
                items=", ".join(f"`{item}`" for item in score.items),
                extra=extra,
                share=f"{score.min_answered * 100:.0f}{text['percent']}",
                low=f"{low:g}",
                high=f"{high:g}",
                direction=text[score.higher_is],
            )
            lines.append(f"- `{variable.name}` — {_md(variable.label)}: {detail}")
    return "\n".join(lines).rstrip() + "\n"


def _column_table(columns: tuple[str, ...], text: dict[str, str], index: int) -> list[str]:
    rows = [f"| {text['column']} | {text['meaning']} |", "|---|---|"]
    return rows + [f"| `{column}` | {_md(COLUMNS[column][index])} |" for column in columns]


def _md(value: str) -> str:
    return value.replace("|", "\\|")
