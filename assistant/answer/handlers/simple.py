"""Answers that need no tools: greetings, off-topic refusals, questions back, unknown places."""

from __future__ import annotations

import re

from assistant.answer.evidence import AskContext, search
from assistant.answer.messages import say, sep


def greeting(ctx: AskContext) -> None:
    """ "在吗", "你好": what the assistant does, and a question back for the facts it needs to start
    (nothing was asked yet, so nothing is answered); "谢谢 那就这样" closes a conversation."""
    from assistant.understand.asks import CLOSING

    if CLOSING.search(ctx.ask.text.strip()):
        ctx.draft.verdict = "answered"
        ctx.draft.say(say(ctx.lang, "common.closing"))
        return
    ctx.draft.verdict = "clarify"
    ctx.draft.say(say(ctx.lang, "common.greeting", help=say(ctx.lang, "common.help")))
    question = say(ctx.lang, "questions.start")
    ctx.draft.say(question)
    ctx.draft.ask_for("region", question)


def contentless(ctx: AskContext) -> None:
    """Nothing to answer (an empty or punctuation-only message): say what the assistant does."""
    ctx.draft.verdict = "refused"
    ctx.draft.say(say(ctx.lang, "common.empty"))
    ctx.draft.info.append(say(ctx.lang, "common.help"))


def declined(ctx: AskContext, kind: str) -> None:
    """A request the assistant must not carry out (a false invoice, an approval in the issuer's
    name, a guaranteed outcome): said plainly, with what it can do instead."""
    ctx.draft.verdict = "refused"
    ctx.draft.say(say(ctx.lang, f"declined.{kind}"))
    ctx.draft.info.append(say(ctx.lang, f"declined.{kind}_why"))


def off_topic(ctx: AskContext) -> None:
    ctx.draft.verdict = "refused"
    ctx.draft.say(say(ctx.lang, "common.off_topic"))
    ctx.draft.info.append(say(ctx.lang, "common.help"))
    ctx.draft.add_caveat(say(ctx.lang, "common.contact"))


def unknown_region(ctx: AskContext, places: list[str]) -> None:
    lang = ctx.lang
    names = sep(lang).join(places)
    covered = sep(lang).join(ctx.kb.region_name(c, lang) for c in sorted(ctx.kb.covered))
    ctx.draft.verdict = "refused"
    ctx.draft.say(say(lang, "common.unknown_region", places=names))
    ctx.draft.info.append(say(lang, "common.covered", regions=covered))
    ctx.draft.add_caveat(say(lang, "common.ask_local", places=names))


def tax_outside(ctx: AskContext) -> None:
    """ "领到的算力券要不要交企业所得税": no text held here says how a voucher is taxed or booked;
    said so, with whom to ask, rather than answered from a clause about something else."""
    region = ctx.ask.regions[0] if ctx.ask.regions else None
    issuer = ctx.kb.issuer_of(region) if region else ""
    ctx.draft.verdict = "not_published"
    ctx.draft.say(say(ctx.lang, "common.tax_outside", issuer=issuer or say(ctx.lang, "validity.the_issuer")))


_WHETHER_THERE_IS = re.compile(
    r"有没有|是否有|有无|是否存在|是否出台|\b(is there|are there|does [^?]{0,30} have)\b", re.I
)


def national(ctx: AskContext) -> None:
    """ "国家层面有没有统一的比例": vouchers are set region by region; say so instead of asking
    which region (the question is about the country), and list the regions whose texts we hold."""
    lang = ctx.lang
    covered = sep(lang).join(ctx.kb.region_name(c, lang) for c in sorted(ctx.kb.covered) if c != "national")
    # "有没有统一的办法" is answered by "no"; "国家的比例是多少" asks for a figure nobody publishes
    ctx.draft.verdict = "answered" if _WHETHER_THERE_IS.search(ctx.ask.text) else "not_published"
    # the summary of national texts says so in its first point: cited beside our reading
    found = search(ctx, ["national"], k=4, extra="没有全国统一 各地 算力券" if lang != "en" else "no national rules")
    hit = next((h for h in found.get("hits", []) if h["doc_id"] == _NATIONAL_SUMMARY), None)
    if _WHICH_DOCUMENTS.search(ctx.ask.text) and _national_documents(ctx):
        ctx.draft.verdict = "answered"  # "国家层面哪些文件提到了算力券": the list, then the point
    ctx.draft.say(say(lang, "common.national") + (ctx.cite(hit) if hit else ""))
    ctx.draft.info.append(say(lang, "common.covered", regions=covered))


_NATIONAL_SUMMARY = "national-voucher-guidance"
# "国家层面哪些文件提到了算力券", "which national documents mention vouchers"
_WHICH_DOCUMENTS = re.compile(
    r"哪些[^，。？?]{0,4}(文件|政策|通知|意见)|哪几(个|份)(文件|政策)|什么文件|which (national )?(documents|texts|policies)"
    r"|what (national )?(documents|texts|policies)",
    re.I,
)


def asks_which_documents(text: str) -> bool:
    return bool(_WHICH_DOCUMENTS.search(text))


def _national_documents(ctx: AskContext) -> bool:
    """The national texts and statements our summary lists, one cited entry each, by the name
    the summary gives them (our labels, said to be ours); False when the summary is not indexed."""
    chunks = ctx.kb.clauses.by_doc.get(_NATIONAL_SUMMARY, [])
    listed = [c for c in chunks if re.match(r"^[二三四五六七八九十]+、$", c.locator)]
    if not listed:
        return False
    found = search(ctx, [], references=[{"doc": c.doc_id, "clause": c.locator} for c in listed], fetch_only=True)
    entries = []
    for h in found.get("references", []):
        m = re.match(r"^\s*[一二三四五六七八九十]+、\s*【([^】]{2,60})】\s*((?:【[^】]{1,10}】\s*)*)", h["text"])
        if m:
            flags = "".join(f"（{f}）" for f in re.findall(r"【([^】]{1,10})】", m.group(2)))
            entries.append(f"{m.group(1)}{flags}{ctx.cite(h)}")
    if not entries:
        return False
    ctx.draft.say(say(ctx.lang, "common.national_documents", items=sep(ctx.lang).join(entries)))
    return True


def clarify(ctx: AskContext, fact: str, **values: str) -> None:
    """A question back instead of an answer: what is known is kept in the case for the next turn."""
    ctx.draft.verdict = "clarify"
    question = say(ctx.lang, f"questions.{fact}", **values)
    ctx.draft.say(question)
    ctx.draft.ask_for(fact, question)
    if fact == "region":
        covered = sep(ctx.lang).join(ctx.kb.region_name(c, ctx.lang) for c in sorted(ctx.kb.covered))
        ctx.draft.info.append(say(ctx.lang, "common.covered", regions=covered))


def unclear(ctx: AskContext, with_help: bool = False) -> None:
    """A question back; ``with_help``: the message said nothing at all ("？？"), so what the
    assistant does is said beside it."""
    ctx.draft.verdict = "clarify"
    ctx.draft.say(say(ctx.lang, "common.unclear"))
    ctx.draft.ask_for("intent", say(ctx.lang, "common.unclear"))
    if with_help:
        ctx.draft.info.append(say(ctx.lang, "common.help"))


__all__ = [
    "asks_which_documents",
    "clarify",
    "contentless",
    "declined",
    "greeting",
    "off_topic",
    "unclear",
    "unknown_region",
]
