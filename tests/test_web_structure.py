"""The web app stays a set of small page modules a new maintainer can find their way in."""

from __future__ import annotations

from pathlib import Path

WEB = Path(__file__).resolve().parent.parent / "assistant" / "web"


def test_no_web_module_is_over_300_lines():
    sizes = {str(p.relative_to(WEB)): len(p.read_text(encoding="utf-8").splitlines()) for p in WEB.rglob("*.py")}
    assert {name: n for name, n in sizes.items() if n > 300} == {}


def test_one_page_module_per_tab_and_css_in_a_static_file():
    pages = {p.stem for p in (WEB / "pages").glob("*.py")}
    assert {"chat", "calculator", "compliance", "helpdesk", "library"} <= pages
    assert (WEB / "static" / "app.css").read_text(encoding="utf-8").strip()
    assert "CSS = " not in (WEB / "app.py").read_text(encoding="utf-8")


def test_pages_talk_to_the_library_api_not_to_each_other():
    for page in (WEB / "pages").glob("*.py"):
        text = page.read_text(encoding="utf-8")
        assert "from assistant.web.pages" not in text, page.name
