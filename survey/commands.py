"""What the ``survey`` sub-commands share: the one-line error, and the study, round and site
named by ``--study``, ``--round`` and ``--site``. A leaf: it imports no command module."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import NoReturn

import click
import sqlalchemy as sa

from survey.extensions import db
from survey.models import Round, Site, Study

#: Exit status for bad input or configuration, as for command-line usage errors.
EXIT_USAGE = 2


def fail(message: str) -> NoReturn:
    """Print a one-line error and stop with exit status 2."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(EXIT_USAGE)


@dataclass(frozen=True)
class Scope:
    """The study a command acts on, and the round and site it is narrowed to (None: all)."""

    study: Study
    round: Round | None
    site: Site | None


def resolve_scope(study_slug: str, round_name: str | None, site_name: str | None) -> Scope:
    """Return the named study, round and site (a site by its id or exact name), or fail."""
    study = db.session.scalar(sa.select(Study).where(Study.slug == study_slug))
    if study is None:
        fail(f"No study {study_slug!r}.")
    round_ = None
    if round_name:
        round_ = db.session.scalar(
            sa.select(Round).where(Round.study_id == study.id, Round.name == round_name)
        )
        if round_ is None:
            fail(f"The study has no round {round_name!r}.")
    site = None
    if site_name:
        by_id = [s for s in study.sites if str(s.id) == site_name]
        site = next(iter(by_id or [s for s in study.sites if s.name == site_name]), None)
        if site is None:
            fail(f"The study has no site {site_name!r}.")
    return Scope(study, round_, site)
