"""The survey platform: the application factory."""

from __future__ import annotations

import base64
import logging
from pathlib import Path
from typing import Any

from flask import Flask, Response
from flask.json.provider import DefaultJSONProvider

from survey import config as settings
from survey.config import ConfigError

__all__ = ["ConfigError", "create_app"]


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, where a body nested too deeply is bad input (a 4xx), not a crash."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse JSON; nesting beyond Python's recursion limit raises ValueError."""
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


class SurveyFlask(Flask):
    """The application class: Flask with the JSON above."""

    json_provider_class = JSONProvider


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the application: defaults, then environment, then ``config``; refuse bad settings."""
    app = SurveyFlask(__name__, instance_path=str(settings.instance_path()))
    app.config.from_object(settings.Config)
    app.config.update(settings.from_environment())
    if config:
        app.config.update(config)
    app.config["SQLALCHEMY_DATABASE_URI"] = settings.normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    settings.validate(app.config)
    _derive_settings(app)

    # Order matters: the database first (the others may query it), then the web parts.
    _register_extensions(app)
    _register_instruments(app)
    _register_inputs(app)
    _register_blueprints(app)
    _register_cli(app)
    _register_errors(app)
    _register_security_headers(app)
    return app


def _derive_settings(app: Flask) -> None:
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        # Behind N proxies of our own, the client is the one they name; with none, forwarded
        # headers are ignored (anyone could send them).
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    if app.config["SURVEY_ENV"] == "production":
        # Production is served over HTTPS only: secure, host-only cookies and no debugger.
        app.config.update(
            DEBUG=False,
            SESSION_COOKIE_SECURE=True,
            SESSION_COOKIE_NAME="__Host-session",
            PREFERRED_URL_SCHEME="https",
        )


def _register_extensions(app: Flask) -> None:
    from survey import accounts, i18n
    from survey.database import configure_engine, ensure_sqlite_folder
    from survey.extensions import babel, compress, csrf, db, limiter, login_manager
    from survey.pseudonyms import format_code
    from survey.web.labels import label

    ensure_sqlite_folder(app.config["SQLALCHEMY_DATABASE_URI"])
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    babel.init_app(app, locale_selector=i18n.select_locale)
    app.jinja_env.globals["current_language"] = i18n.select_locale
    app.jinja_env.globals["format_code"] = format_code
    app.jinja_env.filters["label"] = label
    app.jinja_env.globals["favicon"] = _favicon(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(accounts.load_user)
    login_manager.login_view = "admin.login"
    login_manager.login_message = i18n.lazy_text("Please sign in to see that page.")
    limiter.init_app(app)
    # Stylesheet, script and pictures travel compressed (brotli or gzip). Pages and JSON do
    # not: they hold the CSRF token next to what the visitor typed (BREACH).
    app.config.setdefault("COMPRESS_MIMETYPES", ["text/css", "text/javascript", "image/svg+xml"])
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config["COMPRESS_REGISTER"] = False
    compress.init_app(app)

    @app.after_request
    def _compress_text_files(response: Response) -> Response:
        # Small files are read into memory first: Flask-Compress would otherwise compress the
        # open file as a stream and never close it.
        if response.mimetype in app.config["COMPRESS_MIMETYPES"] and response.direct_passthrough:
            response.direct_passthrough = False
            response.set_data(response.get_data())
        return compress.after_request(response)


def _favicon(app: Flask) -> str:
    """Return the icon as a data URI: every page shows it without a request of its own."""
    svg = Path(app.static_folder or "", "img", "favicon.svg").read_bytes()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def _register_instruments(app: Flask) -> None:
    from survey import instruments

    instruments.init_app(app)


def _register_inputs(app: Flask) -> None:
    from survey import inputs

    inputs.register(app)


def _register_blueprints(app: Flask) -> None:
    from survey.admin import bp as admin_bp
    from survey.exports.views import bp as exports_bp
    from survey.main import bp as main_bp
    from survey.reports.views import bp as reports_bp
    from survey.respond import bp as respond_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(respond_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(reports_bp)


def _register_cli(app: Flask) -> None:
    from survey import cli

    cli.register(app)


def _register_errors(app: Flask) -> None:
    from survey.main import errors

    errors.register(app)


def _register_security_headers(app: Flask) -> None:
    from survey.main import headers, refusals

    app.before_request(refusals.start)
    app.after_request(refusals.record)
    app.after_request(headers.add_security_headers)
    if not logging.getLogger().handlers:
        # Every log line with its time (gunicorn and `survey run` add none of their own).
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
