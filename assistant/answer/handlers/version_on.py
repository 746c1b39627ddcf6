"""Which version of a program applies on a date ("2024年租的算力，应适用2023年措施还是2025年措施？",
"Which rule applied then?"): the version the calculator selects on the date the ask names, with
its period and rate, cited; every other version of the program named beside with its own period.

Why its own handler: read as eligibility the question got "cannot tell yet" with the conditions,
and read as a fact it got the first clause found; the version is a rules-as-code answer."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from assistant.answer.evidence import AskContext, cite_ref, search
from assistant.answer.facts import rules_date
from assistant.answer.format import date_text
from assistant.answer.messages import say
from assistant.understand.dates import find_dates


def handle(ctx: AskContext) -> bool:
    """The version in force on the ask's date, for the first program of its region; False when
    the region has no program (the caller answers from the texts instead)."""
    programs = ctx.kb.programs_for(ctx.ask.regions)
    if not programs:
        return False
    pid, lang, d = programs[0], ctx.lang, ctx.draft
    on, shown = _date_of_case(ctx)
    info = ctx.session.call("program_info", program=pid, date=on.isoformat())
    if "error" in info:
        return False
    version = info["version"]
    found = search(ctx, ctx.ask.regions[:1], references=[version["reference"]] if version.get("reference") else [])
    mark = cite_ref(ctx, found, version.get("reference"), [])
    rate = (version["parameters"].get("rate") or {}).get("percent")
    d.programs.append(pid)
    d.verdict = "answered"
    d.say(
        say(
            lang,
            "version.applies",
            date=shown,
            version=_label(version, lang),
            **_period(version, lang),
            rate=say(lang, "version.rate", rate=rate) if rate else "",
            mark=mark,
        )
    )
    for other in info.get("other_versions", []):  # program_info lists every version but the one in force
        d.say(say(lang, "version.other", version=_label(other, lang), **_period(other, lang)))
    return True


# "2023年大模型措施", "the 2025 measures": a year that names a text, not the case's date
_NAMES_A_TEXT = re.compile(
    r"^[^，。？?签租付用买购结]{0,8}(措施|政策|办法|细则|方案|举措|版|文件|通知|measures|policy|version)", re.I
)


def _date_of_case(ctx: AskContext) -> tuple[dt.date, str]:
    """The date the case happened (the ask's own, else the message's), as the rules take it and as
    written: a year alone is read at its end ("2024年租的" falls under what ran in 2024)."""
    for text in (ctx.ask.text, ctx.case.text):
        for m in find_dates(text, ctx.today):
            if _NAMES_A_TEXT.search(text[m.end :]):
                continue
            if m.precision == "year":
                year = m.value.year
                return min(dt.date(year, 12, 31), ctx.today), (f"{year}" if ctx.lang == "en" else f"{year}年")
            return m.value, date_text(m.value.isoformat(), ctx.lang)
    on = rules_date(ctx.case, ctx.ask, ctx.today)
    return on, date_text(on.isoformat(), ctx.lang)


def _period(version: dict[str, Any], lang: str) -> dict[str, str]:
    end = version.get("effective_to")
    return {
        "start": date_text(version["effective_from"], lang),
        "end": date_text(end, lang) if end else say(lang, "version.open"),
    }


def _label(version: dict[str, Any], lang: str) -> str:
    label = version.get("label_en") if lang == "en" else version.get("label_zh")
    return str(label or version.get("id", ""))


__all__ = ["handle"]
