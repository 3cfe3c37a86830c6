"""Settings read from the environment, with development defaults refused in production."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

#: The repository (or installation) root: the folder that holds the ``survey`` package.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Placeholder secrets for development only; ``validate`` refuses them in production.
DEV_SECRET_KEY = "dev-secret-key-not-for-production"  # noqa: S105
DEV_PSEUDONYM_KEY = "dev-pseudonym-key-not-for-production"
#: Placeholder address for accessibility feedback; a deployment sets its own.
PLACEHOLDER_ACCESSIBILITY_EMAIL = "tilgaengelighed@tryg.example"

ENVIRONMENTS = ("development", "test", "production")
LANGUAGES = ("da", "en")
MIN_SECRET_LENGTH = 32
MIN_CELL_FLOOR = 3
SUPPORTED_DATABASES = ("sqlite", "postgresql")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9][0-9 ]{5,20}")


class ConfigError(Exception):
    """Configuration that the application must not start with; the message says what to fix."""


def instance_path() -> Path:
    """Return the folder for the local database and other per-installation files."""
    return Path(os.environ.get("SURVEY_INSTANCE_PATH", PROJECT_ROOT / "instance")).resolve()


def _default_database_url() -> str:
    return f"sqlite:///{instance_path() / 'survey.db'}"


def normalise_database_url(url: str) -> str:
    """Let plain ``postgres://`` and ``postgresql://`` URLs use the installed psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _integer(env: Any, name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.") from None


def from_environment(environ: os._Environ[str] | dict[str, str] | None = None) -> dict[str, Any]:
    """Return the settings taken from environment variables, with their defaults."""
    env = os.environ if environ is None else environ
    return {
        "SURVEY_ENV": env.get("SURVEY_ENV", "development"),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            env.get("DATABASE_URL", _default_database_url())
        ),
        "SECRET_KEY": env.get("SECRET_KEY", DEV_SECRET_KEY),
        "PSEUDONYM_KEY": env.get("PSEUDONYM_KEY", DEV_PSEUDONYM_KEY),
        "BABEL_DEFAULT_LOCALE": env.get("BABEL_DEFAULT_LOCALE", "da"),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "MIN_CELL": _integer(env, "MIN_CELL", 5),
        "INSTRUMENTS_PATH": env.get("INSTRUMENTS_PATH") or None,
        "PUBLIC_URL": (env.get("PUBLIC_URL") or "").rstrip("/") or None,
        "IDLE_PAUSE_SECONDS": _integer(env, "IDLE_PAUSE_SECONDS", 300),
        "TRUSTED_PROXIES": _integer(env, "TRUSTED_PROXIES", 0),
        "ADMIN_IDLE_SECONDS": _integer(env, "ADMIN_IDLE_SECONDS", 1800),
        "ADMIN_LIFETIME_SECONDS": _integer(env, "ADMIN_LIFETIME_SECONDS", 12 * 3600),
        "CODE_FAILURES_PER_HOUR": _integer(env, "CODE_FAILURES_PER_HOUR", 300),
        "HELPLINE_NAME": env.get("HELPLINE_NAME", "BørneTelefonen"),
        "HELPLINE_NUMBER": env.get("HELPLINE_NUMBER", "116 111"),
        "ACCESSIBILITY_CONTACT_EMAIL": (
            env.get("ACCESSIBILITY_CONTACT_EMAIL") or PLACEHOLDER_ACCESSIBILITY_EMAIL
        ),
        "ACCESSIBILITY_CONTACT_PHONE": env.get("ACCESSIBILITY_CONTACT_PHONE") or None,
    }


class Config:
    """Defaults that do not depend on the environment."""

    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent / "translations")
    BABEL_DEFAULT_TIMEZONE = "Europe/Copenhagen"
    LANGUAGES = LANGUAGES
    # The CSRF token lives as long as the session: an idle timeout ends sessions, and an
    # expired token must never cost a respondent a page (SECURITY-CHECKLIST decision 3).
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    RATELIMIT_HEADERS_ENABLED = True
    #: How often the response-rate dashboard refreshes its counts.
    DASHBOARD_REFRESH_SECONDS = 30
    #: How long each choice stays lit in switch scanning, before the next one (adjustable).
    SCAN_INTERVAL_MS = 1500


def validate(config: dict[str, Any] | Any) -> None:
    """Raise ConfigError, with a one-line message, when the settings cannot be used."""
    environment = config["SURVEY_ENV"]
    if environment not in ENVIRONMENTS:
        raise ConfigError(
            f"SURVEY_ENV must be one of {', '.join(ENVIRONMENTS)}, not {environment!r}."
        )
    _validate_database_url(config["SQLALCHEMY_DATABASE_URI"])
    if config["BABEL_DEFAULT_LOCALE"] not in LANGUAGES:
        raise ConfigError(f"BABEL_DEFAULT_LOCALE must be one of {', '.join(LANGUAGES)}.")
    if config["MIN_CELL"] < MIN_CELL_FLOOR:
        raise ConfigError(
            f"MIN_CELL must be at least {MIN_CELL_FLOOR} (Statistics Denmark's rule)."
        )
    if config["TRUSTED_PROXIES"] < 0:
        raise ConfigError("TRUSTED_PROXIES must be 0 (no proxy) or the number of proxies.")
    for name in ("IDLE_PAUSE_SECONDS", "ADMIN_IDLE_SECONDS", "ADMIN_LIFETIME_SECONDS"):
        if config[name] < 1:
            raise ConfigError(f"{name} must be a positive number of seconds.")
    if config["CODE_FAILURES_PER_HOUR"] < 1:
        raise ConfigError("CODE_FAILURES_PER_HOUR must be at least 1.")
    _validate_accessibility_contact(config)
    if environment == "production":
        _validate_production_secrets(config)


def _validate_database_url(url: str) -> None:
    hint = "e.g. sqlite:////var/lib/survey/survey.db or postgresql+psycopg://user@host/dbname"
    try:
        parsed = make_url(url)
        parsed.get_dialect()
    except NoSuchModuleError:
        raise ConfigError(f"DATABASE_URL names an unknown database driver ({hint}).") from None
    except (ArgumentError, ValueError):
        raise ConfigError(f"DATABASE_URL is not a valid database URL ({hint}).") from None
    if parsed.get_backend_name() not in SUPPORTED_DATABASES:
        raise ConfigError(f"DATABASE_URL must point to SQLite or PostgreSQL ({hint}).")


def _validate_accessibility_contact(config: dict[str, Any] | Any) -> None:
    email = config.get("ACCESSIBILITY_CONTACT_EMAIL")
    if not email or not _EMAIL.fullmatch(email):
        raise ConfigError(
            "ACCESSIBILITY_CONTACT_EMAIL must be an e-mail address, e.g. web@kommune.dk."
        )
    phone = config.get("ACCESSIBILITY_CONTACT_PHONE")
    if phone is not None and not _PHONE.fullmatch(phone):
        raise ConfigError(
            "ACCESSIBILITY_CONTACT_PHONE must be a phone number of digits and spaces, "
            "e.g. 33 12 34 56 or +45 33 12 34 56."
        )


def _validate_production_secrets(config: dict[str, Any] | Any) -> None:
    for name, placeholder in (("SECRET_KEY", DEV_SECRET_KEY), ("PSEUDONYM_KEY", DEV_PSEUDONYM_KEY)):
        value = config.get(name)
        if not value or value == placeholder:
            raise ConfigError(
                f"{name} must be set in production (SURVEY_ENV=production): "
                f"a random secret of at least {MIN_SECRET_LENGTH} characters."
            )
        if len(value) < MIN_SECRET_LENGTH:
            raise ConfigError(f"{name} must be at least {MIN_SECRET_LENGTH} characters long.")
    if config["SECRET_KEY"] == config["PSEUDONYM_KEY"]:
        raise ConfigError("PSEUDONYM_KEY must differ from SECRET_KEY.")
