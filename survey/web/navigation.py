"""Where a request may send the browser next."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_local_path(target: str | None, fallback: str = "/") -> str:
    """Return ``target`` if it is a path on this site, else ``fallback`` (no open redirect)."""
    if not target or "\\" in target or not target.startswith("/") or target.startswith("//"):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
