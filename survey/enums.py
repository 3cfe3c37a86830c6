"""The closed sets of values the program knows (roles, groups, age bands, statuses, missing
codes …): plain enums, used by the instruments and the models alike; each is a CHECK constraint
in the database."""

import enum


class RoundStatus(enum.StrEnum):
    """Lifecycle of a measurement round: draft → open → closed → released."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    RELEASED = "released"


class Group(enum.StrEnum):
    """Who a participant is: a child or a member of staff."""

    CHILD = "child"
    STAFF = "staff"


class AgeBand(enum.StrEnum):
    """Children's age bands; they choose default scales and simpler wording."""

    AGE_6_9 = "6-9"
    AGE_10_12 = "10-12"
    AGE_13_18 = "13-18"


class Layout(enum.StrEnum):
    """Layout profile of the respondent pages."""

    FACES = "faces"
    SIMPLE = "simple"
    STANDARD = "standard"


class Language(enum.StrEnum):
    """Languages the product speaks; Danish first."""

    DA = "da"
    EN = "en"


class SubmissionStatus(enum.StrEnum):
    """State of one participant's answers in one round."""

    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DECLINED = "declined"


class AssistanceMode(enum.StrEnum):
    """How a child answered, recorded by the adult beside them."""

    ALONE = "alone"
    READING_HELP = "reading_help"
    INTERPRETER = "interpreter"
    ADULT_ANSWERS = "adult_answers_on_childs_instruction"


class MissingCode(enum.StrEnum):
    """Why an item has no value; kept distinct in exports."""

    REFUSED = "refused"
    DONT_KNOW = "dont_know"
    NOT_SHOWN = "not_shown"


class Role(enum.StrEnum):
    """What a signed-in user may do."""

    ADMIN = "admin"
    EVALUATOR = "evaluator"
    COORDINATOR = "coordinator"


class TextSize(enum.StrEnum):
    """Text size chosen at setup for a child's pages."""

    NORMAL = "normal"
    LARGE = "large"
    EXTRA_LARGE = "xlarge"


class WholePeriod(enum.StrEnum):
    """Whether a child lived at the place for the whole reference period, as the adult says."""

    YES = "yes"
    NO = "no"
    DONT_KNOW = "dont_know"
