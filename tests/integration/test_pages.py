"""The start page, the language switcher, error pages and the headers every response carries."""

import io
import logging
from html.parser import HTMLParser
from pathlib import Path

import brotli
import pytest
import yaml
from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont

import survey

PAGES = ["/", "/no-such-page"]


class InlineCodeFinder(HTMLParser):
    """Collect inline scripts, inline styles and event-handler attributes (all CSP violations)."""

    def __init__(self):
        super().__init__()
        self.problems = []
        self.html_lang = None

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "html":
            self.html_lang = names.get("lang")
        if tag == "script" and "src" not in names:
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> element")
        self.problems += [
            f"{tag}[{name}]" for name in names if name == "style" or name.startswith("on")
        ]


def parse(html: str) -> InlineCodeFinder:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder


def test_start_page_is_danish_by_default(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert parse(html).html_lang == "da"
    assert "Spørgeskemaer for børn og voksne på døgninstitutioner og opholdssteder" in html
    assert 'href="#main"' in html
    assert 'id="main"' in html


def test_start_page_leads_to_answering_first_and_signing_in_second(client):
    html = client.get("/").get_data(as_text=True)
    answer = html.index('href="/respond/"')
    sign_in = html.index('href="/admin/login"')
    assert answer < sign_in  # answering comes first
    assert "Besvar et spørgeskema" in html[answer : answer + 120]
    assert "Log ind for medarbejdere på stedet og evaluatorer" in html[sign_in : sign_in + 120]
    assert client.get("/respond/").status_code == 200
    assert client.get("/admin/login").status_code == 200


def test_language_switcher_changes_the_language_and_returns(client):
    response = client.post("/language", data={"language": "en", "next": "/?x=1"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/?x=1"
    html = client.get("/").get_data(as_text=True)
    assert parse(html).html_lang == "en"
    assert "Questionnaires for children and adults at residential institutions" in html
    assert "Dansk" in html

    client.post("/language", data={"language": "da", "next": "/"})
    assert parse(client.get("/").get_data(as_text=True)).html_lang == "da"


def test_unknown_language_is_ignored(client):
    client.post("/language", data={"language": "xx", "next": "/"})
    assert parse(client.get("/").get_data(as_text=True)).html_lang == "da"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\evil.example"]
)
def test_language_switcher_never_redirects_off_site(client, target):
    response = client.post("/language", data={"language": "en", "next": target})
    assert response.headers["Location"] == "/"


def test_language_switch_without_csrf_token_is_refused_kindly(make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    response = client.post("/language", data={"language": "en", "next": "/"})
    assert response.status_code == 400
    assert "Formularen var udløbet" in response.get_data(as_text=True)
    assert parse(client.get("/").get_data(as_text=True)).html_lang == "da"


def test_language_switch_with_csrf_token_works(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    html = client.get("/").get_data(as_text=True)
    token = html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/language", data={"language": "en", "next": "/", "csrf_token": token})
    assert response.status_code == 303
    assert parse(client.get("/").get_data(as_text=True)).html_lang == "en"


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_security_and_privacy_headers(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_inline_script_or_style(client, path):
    assert parse(client.get(path).get_data(as_text=True)).problems == []


def test_fonts_are_served_from_our_origin_and_cached(client):
    with client.get("/fonts/AtkinsonHyperlegible-Regular.ttf") as response:
        assert response.status_code == 200
        assert len(response.data) > 10_000
        assert "immutable" in response.headers["Cache-Control"]
    assert client.get("/fonts/../__init__.py").status_code == 404
    assert client.get("/fonts/missing.ttf").status_code == 404
    assert client.get("/fonts/missing.woff2").status_code == 404
    assert client.get("/fonts/AtkinsonHyperlegible-Regular.otf").status_code == 404


@pytest.mark.parametrize("weight", ["Regular", "Bold"])
def test_web_fonts_are_small_woff2_files_with_every_character_the_texts_use(client, weight):
    with client.get(f"/fonts/AtkinsonHyperlegible-{weight}.woff2") as response:
        assert response.status_code == 200
        assert response.mimetype == "font/woff2"
        assert "immutable" in response.headers["Cache-Control"]
        data = response.data
    assert data[:4] == b"wOF2"
    assert len(data) < 11_000  # the whole TrueType file is 54-55 KB
    covered = set(TTFont(io.BytesIO(data)).getBestCmap())
    used = {ord(char) for char in "".join(page_texts()) if char == " " or not char.isspace()}
    assert used - covered == set()
    assert {ord(char) for char in "æøåÆØÅé–“”…"} <= covered


def page_texts() -> list[str]:
    """Every text a page can show: the catalogues' messages and every questionnaire's words."""
    package = Path(survey.__file__).parent
    texts = []
    for language in ("da", "en"):
        catalogue = package / "translations" / language / "LC_MESSAGES" / "messages.po"
        with catalogue.open("rb") as file:
            catalog = read_po(file)
        texts += [message.string or str(message.id) for message in catalog if message.id]
    for path in (package / "instruments").glob("*.yaml"):
        texts += strings(yaml.safe_load(path.read_text(encoding="utf-8")))
    return [text if isinstance(text, str) else " ".join(text) for text in texts]


def strings(data: object) -> list[str]:
    """Return every string in a YAML document (its comments are no page's text)."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [text for key, value in data.items() for text in strings(key) + strings(value)]
    if isinstance(data, list):
        return [text for value in data for text in strings(value)]
    return []


def test_stylesheet_refers_only_to_our_fonts(client):
    with client.get("/static/css/base.css") as response:
        css = response.get_data(as_text=True)
    assert 'url("/fonts/AtkinsonHyperlegible-Regular.woff2") format("woff2")' in css
    assert 'url("/fonts/AtkinsonHyperlegible-Regular.ttf")' in css
    assert "http" not in css


def test_unknown_page_gets_a_friendly_danish_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Vi kunne ikke finde siden." in response.get_data(as_text=True)


def test_unexpected_error_shows_a_generic_page_and_logs_no_request_data(make_app, caplog):
    app = make_app(TESTING=False)
    secret = "CANARY-ÆØÅ-7f3a"

    @app.get("/boom")
    def boom():
        raise RuntimeError(f"failed while handling {secret}")

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Noget gik galt hos os" in html
    assert secret not in html
    assert "Traceback" not in html
    assert "RuntimeError" in caplog.text
    assert secret not in caplog.text


@pytest.mark.parametrize(
    "path", ["/static/css/base.css", "/static/js/respond.js", "/static/img/choices/face_1.svg"]
)
def test_stylesheet_script_and_pictures_travel_compressed(client, path):
    original = (Path(survey.__file__).parent / path.removeprefix("/")).read_bytes()
    with client.get(path, headers={"Accept-Encoding": "gzip, br"}) as packed:
        assert packed.headers["Content-Encoding"] == "br"
        assert brotli.decompress(packed.data) == original
        assert len(packed.data) * 2 < len(original)
    with client.get(path) as plain:
        assert "Content-Encoding" not in plain.headers


def test_pages_travel_uncompressed_so_no_token_can_leak_through_compression(client):
    response = client.get("/respond/", headers={"Accept-Encoding": "gzip, br"})
    assert response.mimetype == "text/html"
    assert "Content-Encoding" not in response.headers
