"""WSGI entry point for gunicorn or waitress: ``gunicorn wsgi:app``."""

import sys

from survey import ConfigError, create_app

try:
    app = create_app()
except ConfigError as error:
    print(f"Error: {error}", file=sys.stderr)
    sys.exit(2)
