"""Security and privacy headers on every response."""

from __future__ import annotations

from flask import Response, current_app, request

#: Strict policy without inline script or style: everything comes from our own origin.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)
HSTS_MAX_AGE = 365 * 24 * 3600


def add_security_headers(response: Response) -> Response:
    """Add CSP, anti-sniffing, referrer and caching headers; pages are never stored."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure or current_app.config["SURVEY_ENV"] == "production":
        headers.setdefault(
            "Strict-Transport-Security", f"max-age={HSTS_MAX_AGE}; includeSubDomains"
        )
    if "Cache-Control" not in headers or not _is_static(request.endpoint):
        # Pages may show a child's answers on a shared tablet: never keep them in any cache.
        headers["Cache-Control"] = "no-store"
    return response


def _is_static(endpoint: str | None) -> bool:
    return endpoint in ("static", "main.get_font")
