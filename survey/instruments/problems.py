"""Problems found in instrument files, named by file and item."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """Something wrong with an instrument file: an error stops it loading, a warning does not."""

    file: str
    item: str | None
    message: str
    severity: str = "error"

    @property
    def is_error(self) -> bool:
        """Tell whether the problem stops the instrument from loading."""
        return self.severity == "error"

    def __str__(self) -> str:
        where = f"{self.file}: {self.item}" if self.item else self.file
        prefix = "" if self.is_error else "warning: "
        return f"{where}: {prefix}{self.message}"


class InstrumentError(Exception):
    """Instrument files that cannot be loaded; the message gives the first problem."""

    def __init__(self, problems: list[Problem]) -> None:
        errors = [problem for problem in problems if problem.is_error]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(
            f"Invalid instrument {errors[0]}{more}; run 'survey instruments check' for details."
        )
        self.problems = problems
