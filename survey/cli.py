"""The ``survey`` command: a Flask CLI group over ``create_app`` with the project's sub-commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from survey.commands import fail
from survey.config import ConfigError
from survey.database import enable_migrations


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create the database schema, or upgrade an existing database to the newest version."""
    from survey.database import upgrade_to_head

    upgrade_to_head()
    click.echo("The database is up to date.")


@click.command("demo")
@with_appcontext
@click.option("--reset", is_flag=True, help="Delete the demo study and create it anew.")
@click.option(
    "--i-know-this-is-production",
    "production",
    is_flag=True,
    help="Allow the demo (a known admin sign-in) on a production installation.",
)
def demo_command(reset: bool, production: bool) -> None:
    """Create the demo study (slug 'demo') and an admin user, once; print logins and codes."""
    from flask import current_app

    from survey.demo import DEMO_SLUG, create_demo
    from survey.extensions import db
    from survey.pseudonyms import format_code

    if current_app.config["SURVEY_ENV"] == "production" and not production:
        fail(
            "this is a production installation (SURVEY_ENV=production): the demo would add an "
            "administrator whose password is printed here. Add --i-know-this-is-production "
            "if that is really what you want."
        )

    result = create_demo(reset=reset)
    db.session.commit()
    if not result.created:
        click.echo(
            f"The demo study '{DEMO_SLUG}' already exists; nothing was changed. Its codes and the "
            "admin password were shown when it was created: run 'survey demo --reset' for new ones."
        )
        return
    click.echo(f"Demo study '{DEMO_SLUG}' created.")
    click.echo(f"Admin sign-in: {result.admin_email}  password: {result.admin_password}")
    click.echo("Participant codes (shown only now):")
    for site_name, issued in result.codes.items():
        click.echo(f"  {site_name}")
        for entry in issued:
            participant = entry.participant
            who = (
                f"child {participant.age_band.value:>5}" if participant.age_band else "staff      "
            )
            click.echo(
                f"    {format_code(entry.code)}  {who}  {participant.layout.value:<8} "
                f"{participant.language.value}  {participant.label or ''}".rstrip()
            )


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True, help="E-mail address used to sign in.")
@click.option("--role", required=True, help="admin, evaluator or coordinator.")
@click.option("--site", help="Site id or exact name (coordinators only).")
@click.option(
    "--password-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the password from the first line of this file instead of prompting.",
)
def create_user_command(
    email: str, role: str, site: str | None, password_file: Path | None
) -> None:
    """Create a user who signs in with an e-mail address and a password."""
    from survey import accounts
    from survey.extensions import db
    from survey.passwords import WeakPasswordError

    try:
        parsed_role = accounts.parse_role(role)
        found_site = accounts.find_site(site) if site else None
        password = _read_password(password_file)
        user = accounts.create_user(email, parsed_role, password, found_site)
    except (accounts.AccountError, WeakPasswordError) as error:
        fail(str(error))
    db.session.commit()
    where = f" at {user.site.name}" if user.site else ""
    click.echo(f"Created {user.role.value} {user.email}{where}.")


def _read_password(password_file: Path | None) -> str:
    if password_file is None:
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        lines = password_file.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        fail(f"Cannot read the password file: {error.strerror}.")
    if not lines or not lines[0]:
        fail("The password file is empty.")
    return lines[0]


def register(app: Flask) -> None:
    """Add the project's commands to the app's CLI group."""
    from survey.exports.cli import export_command
    from survey.instruments.cli import instruments_group
    from survey.reports.cli import reports_command

    commands = (
        init_db_command,
        demo_command,
        create_user_command,
        instruments_group,
        export_command,
        reports_command,
    )
    for command in commands:
        app.cli.add_command(command)


def main() -> None:
    """Run the ``survey`` console script; bad configuration ends in one line and exit 2."""
    from survey import create_app

    if sys.argv[1:2] == ["instruments"]:
        # Checking instruments must work when they are broken, i.e. when the app cannot start.
        from survey.instruments.cli import instruments_group

        instruments_group.main(args=sys.argv[2:], prog_name="survey instruments")
        return
    try:
        app = create_app()
    except ConfigError as error:
        fail(str(error))
    enable_migrations(app)  # the `survey db …` commands
    group = FlaskGroup(
        name="survey",
        help="Survey platform administration.",
        create_app=lambda: app,
        add_version_option=False,
        load_dotenv=False,
        set_debug_flag=False,
    )
    try:
        group.main(prog_name="survey")
    except sa.exc.OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else "unknown reason"
        fail(f"Cannot use the database at DATABASE_URL: {reason}")
