"""Settings: development defaults, and the refusals that protect production."""

import pytest

from survey import create_app
from survey.config import DEV_PSEUDONYM_KEY, ConfigError, from_environment, validate

STRONG_SECRET = "s" * 40
STRONG_KEY = "k" * 40


def settings(**environment: str) -> dict:
    return from_environment(environment)


def test_development_defaults_are_accepted_and_danish():
    config = settings()
    validate(config)
    assert config["BABEL_DEFAULT_LOCALE"] == "da"
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert config["SQLALCHEMY_DATABASE_URI"].endswith("instance/survey.db")


def test_production_refuses_missing_pseudonym_key():
    config = settings(SURVEY_ENV="production", SECRET_KEY=STRONG_SECRET)
    with pytest.raises(ConfigError, match="PSEUDONYM_KEY must be set"):
        validate(config)


def test_production_refuses_development_secret_key():
    config = settings(SURVEY_ENV="production", PSEUDONYM_KEY=STRONG_KEY)
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        validate(config)


def test_production_refuses_short_or_shared_secrets():
    with pytest.raises(ConfigError, match="at least 32"):
        validate(settings(SURVEY_ENV="production", SECRET_KEY="short", PSEUDONYM_KEY=STRONG_KEY))
    with pytest.raises(ConfigError, match="differ"):
        validate(settings(SURVEY_ENV="production", SECRET_KEY=STRONG_KEY, PSEUDONYM_KEY=STRONG_KEY))


def test_production_accepts_real_secrets():
    config = settings(SURVEY_ENV="production", SECRET_KEY=STRONG_SECRET, PSEUDONYM_KEY=STRONG_KEY)
    validate(config)
    assert config["PSEUDONYM_KEY"] != DEV_PSEUDONYM_KEY


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("nonsense", "not a valid database URL"),
        ("://", "not a valid database URL"),
        ("postgresql+nodriver://u@h/d", "unknown database driver"),
        ("mysql://u@h/d", "SQLite or PostgreSQL"),
    ],
)
def test_malformed_database_url_is_refused(url, message):
    with pytest.raises(ConfigError, match=message):
        validate(settings(DATABASE_URL=url))


@pytest.mark.parametrize("url", ["postgres://u@h/d", "postgresql://u@h/d"])
def test_plain_postgres_urls_use_psycopg(url):
    assert settings(DATABASE_URL=url)["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/d"


def test_non_numeric_min_cell_is_refused():
    with pytest.raises(ConfigError, match="MIN_CELL must be a whole number"):
        settings(MIN_CELL="five")


def test_min_cell_below_three_is_refused():
    with pytest.raises(ConfigError, match="at least 3"):
        validate(settings(MIN_CELL="2"))


def test_unknown_environment_is_refused():
    with pytest.raises(ConfigError, match="SURVEY_ENV"):
        validate(settings(SURVEY_ENV="staging"))


def test_create_app_refuses_bad_settings(tmp_path):
    with pytest.raises(ConfigError):
        create_app({"SQLALCHEMY_DATABASE_URI": "nonsense"})


def test_production_app_has_secure_cookies_and_no_debug(tmp_path):
    app = create_app(
        {
            "SURVEY_ENV": "production",
            "SECRET_KEY": STRONG_SECRET,
            "PSEUDONYM_KEY": STRONG_KEY,
            "DEBUG": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.debug is False
