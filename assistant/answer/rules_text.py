"""A program's rules in words, from ``program_info`` and calculator results (structured data).

Rates and caps with the clause behind each, the versions that disagree (E-Town 30% official vs
40% reported) with both figures, the rules' own notes, and the calculator's notices about tiers
or versions not applied. Figures come from the data fields, never from reading a sentence back.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from assistant.answer.evidence import AskContext, Hit, Search, cite_ref, fetch, ref_hit
from assistant.answer.format import money, percent
from assistant.answer.messages import say, sep

_CAP_ROLES = ("per_claim_cap", "annual_cap", "cumulative_cap", "min_claim")


def program_refs(info: dict[str, Any]) -> list[dict[str, str]]:
    refs = []
    for v in [info["version"], *info.get("other_versions", [])]:
        for p in v["parameters"].values():
            if p.get("reference"):
                refs.append(p["reference"])
    return refs


def _flags(ctx: AskContext, p: dict[str, Any]) -> str:
    out = ""
    if p.get("upper_bound"):
        out += say(ctx.lang, "rules.maximum")
    if p.get("status") == "unverified":
        out += say(ctx.lang, "rules.unverified")
    return out


def rule_lines(ctx: AskContext, info: dict[str, Any], found: Search, topics: set[str]) -> tuple[list[str], bool]:
    """Sentences stating a program's rate and caps; (lines, rate_unpublished)."""
    lang = ctx.lang
    params = info["version"]["parameters"]
    want_rate = not topics or bool({"rate", "domestic"} & topics) or not ({"cap", "budget", "minimum"} & topics)
    want_cap = not topics or "cap" in topics or "minimum" in topics or not ({"rate", "domestic"} & topics)
    base = info["base_label_en"] if lang == "en" else info["base_label_zh"]
    lines: list[str] = []
    unpublished = False
    fixed = params.get("fixed_amount")
    if fixed is not None and fixed.get("value") is not None:  # a set sum ("新落户企业一次性50万元"): the amount
        mark = cite_ref(ctx, found, fixed.get("reference"), [(fixed.get("wan") or "") + "万", "一次性"])
        label = (fixed.get("label_en") if lang == "en" else fixed.get("label_zh")) or "fixed_amount"
        lines.append(
            say(lang, "rules.cap", label=label, value=money(fixed["value"], lang), flags=_flags(ctx, fixed), mark=mark)
        )
    rate = params.get("rate")
    if want_rate and rate is not None:
        mark = cite_ref(ctx, found, rate.get("reference"), [rate.get("percent") or "未", "比例"])
        if rate.get("value") is None:
            unpublished = True
            lines.append(say(lang, "rules.rate_unpublished", mark=mark))
        else:
            lines.append(say(lang, "rules.rate", base=base, rate=rate["percent"], flags=_flags(ctx, rate), mark=mark))
        for t in info["version"].get("tiers", []):
            if _tier_denied(ctx, t):
                continue  # "武汉市算力服务券（非OPC）": that tier's figures are not asked for
            for role, pname in t["use"].items():
                p = params.get(pname)
                if not p or p.get("value") is None:
                    continue
                mark = cite_ref(ctx, found, p.get("reference"), [p.get("percent") or p.get("wan") or ""])
                shown = p.get("percent") or money(p.get("value"), lang)
                label = t["label_en"] if lang == "en" else t["label_zh"]
                what = say(lang, f"rules.role.{role}") if role in ("rate", *_CAP_ROLES) else role
                lines.append(
                    say(lang, "rules.tier", label=label, what=what, value=shown, flags=_flags(ctx, p), mark=mark)
                )
                if role == "rate" and _tier_named(ctx, t):
                    unpublished = False  # "OPC措施的补贴比例": the tier asked about has its rate
    if want_cap:
        for role in _CAP_ROLES:
            p = params.get(role)
            if not p:
                continue
            mark = cite_ref(ctx, found, p.get("reference"), [(p.get("wan") or "") + "万", "上限", "最高"])
            label = (p.get("label_en") if lang == "en" else p.get("label_zh")) or say(lang, f"rules.role.{role}")
            if p.get("value") is None:
                lines.append(say(lang, "rules.cap_unpublished", label=label, mark=mark))
            else:
                lines.append(
                    say(lang, "rules.cap", label=label, value=money(p["value"], lang), flags=_flags(ctx, p), mark=mark)
                )
    return lines, unpublished


def named_tier_roles(ctx: AskContext, info: dict[str, Any]) -> set[str]:
    """The roles (rate, annual_cap ...) with a published value in a tier the ask names."""
    params = info["version"]["parameters"]
    return {
        role
        for t in info["version"].get("tiers", [])
        if _tier_named(ctx, t)
        for role, pname in t["use"].items()
        if (params.get(pname) or {}).get("value") is not None
    }


def _tier_named(ctx: AskContext, tier: dict[str, Any]) -> bool:
    """Whether the ask (or the message it is part of) names the tier by a word of its label
    ("一人公司（OPC）": 一人公司, OPC)."""
    words = [
        w for label in (tier.get("label_zh", ""), tier.get("label_en", "")) for w in re.split(r"[（）()\s,，]+", label)
    ]
    from assistant.understand.phrases import negated

    text = f"{ctx.ask.text} {ctx.case.text}".lower()
    words = [w.lower() for w in words if len(w) >= 3 and w.lower() not in {"one", "the"}]
    # named, and not denied ("我们是普通公司不是OPC")
    return any(w in text and not negated(text, text.index(w)) for w in words)


def _tier_denied(ctx: AskContext, tier: dict[str, Any]) -> bool:
    """Whether the ask sets the tier aside by a word of its label ("非OPC", "不是一人公司"), or the
    firm's stated facts contradict the tier's conditions ("a regular company, not an OPC")."""
    from assistant.answer.facts import applicant_facts

    facts = applicant_facts(ctx.case, ctx.ask)
    if any(k in facts and facts[k] is not None and facts[k] != v for k, v in (tier.get("when") or {}).items()):
        return True
    words = [w for w in re.split(r"[（）()\s,，]+", tier.get("label_zh", "")) if len(w) >= 3]
    return any(re.search(r"(非|不是|并非)\s*" + re.escape(w), ctx.ask.text, re.I) for w in words)


def other_version_tiers(ctx: AskContext, info: dict[str, Any], found: Search) -> list[str]:
    """Compute-type rates that only another version of the program has (E-Town's reported 40%)."""
    out = []
    current = {t["id"] for t in info["version"].get("tiers", [])}
    for v in info.get("other_versions", []):
        for t in v.get("tiers", []):
            if t["id"] in current or "compute_type" not in t.get("when", {}):
                continue
            parts = []
            p = v["parameters"].get(t["use"].get("rate") or "")
            if p and p.get("value") is not None:
                mark = cite_ref(ctx, found, p.get("reference"), [p.get("percent") or ""])
                parts.append(
                    say(
                        ctx.lang,
                        "rules.tier_rate",
                        label=t["label_en" if ctx.lang == "en" else "label_zh"],
                        rate=p["percent"],
                        mark=mark,
                    )
                )
            base = v["parameters"].get("rate")
            if base and base.get("value") is not None:
                mark = cite_ref(ctx, found, base.get("reference"), [base.get("percent") or ""])
                parts.append(say(ctx.lang, "rules.otherwise_rate", rate=base["percent"], mark=mark))
            if parts:
                label = v["label_en"] if ctx.lang == "en" else v["label_zh"]
                out.append(say(ctx.lang, "rules.under_version", label=label, parts=sep(ctx.lang).join(parts)))
    return out


def conflict_caveat(ctx: AskContext, info: dict[str, Any], found: Search) -> None:
    """Versions that disagree (E-Town 30% official vs 40% reported): show both, cited."""
    v = info["version"]
    current = v["label_en"] if ctx.lang == "en" else v["label_zh"]
    for o in info.get("other_versions", []):
        if o["id"] not in v.get("alternatives", []):
            continue
        parts = []
        for p in o["parameters"].values():
            if p.get("unit") != "ratio" or p.get("value") is None:
                continue
            mark = cite_ref(ctx, found, p.get("reference"), [p.get("percent") or ""])
            parts.append(f"{p.get('label_en') if ctx.lang == 'en' else p.get('label_zh')} {p['percent']}{mark}")
        if parts:
            label = o["label_en"] if ctx.lang == "en" else o["label_zh"]
            key = "rules.conflict_unverified" if o["status"] != "official" else "rules.conflict_official"
            named = any(p.get("percent") and p["percent"] in ctx.ask.text for p in o["parameters"].values())
            # the user asks about that version ("40%的那个版本"): the conflict is the answer
            line = say(ctx.lang, key, label=label, parts="; ".join(parts), current=current)
            (ctx.draft.say if named else ctx.draft.add_caveat)(line)
            if named:  # "现在还是按20%吗": the figure the user quoted is placed, so no refusal
                ctx.draft.bounded_instead = True


def replace_doc_refs(ctx: AskContext, text: str, found: Search) -> str:
    """'(beijing-etown-2024-03-reported 第四条)' in a rules note -> '《title》第四条[n]': no internal ids."""

    def repl(m: re.Match[str]) -> str:
        doc, clause = m.group(1), m.group(2)
        if doc not in ctx.kb.docs:
            return m.group(0)
        mark = cite_ref(ctx, found, {"doc": doc, "clause": clause})
        title = ctx.kb.docs[doc].title
        return f"{title} {clause}{mark}" if ctx.lang == "en" else f"《{title}》{clause}{mark}"

    return re.sub(r"([a-z][a-z0-9-]+[0-9a-z])\s*(第[一二三四五六七八九十百]+条|[一二三四五六七八九十]+、)", repl, text)


def version_notes(ctx: AskContext, info: dict[str, Any], found: Search) -> None:
    for note in info["version"].get("notes_en" if ctx.lang == "en" else "notes_zh", []):
        ctx.draft.add_caveat(replace_doc_refs(ctx, note, found))


def contradicting_hits(info: dict[str, Any], hits: list[Hit]) -> list[Hit]:
    """Policy clauses of the program's region, outside the documents its rules cite, stating a
    ratio no version has: named as a conflict, never quoted as a rule (an added or altered
    document cannot change what the user is told silently)."""
    rule_docs = {r.get("doc") for r in program_refs(info)} | {info.get("corpus_doc")}
    ratios: set[Decimal] = set()
    for v in [info["version"], *info.get("other_versions", [])]:
        for p in v["parameters"].values():
            if p.get("unit") == "ratio" and p.get("value") is not None:
                ratios.add(Decimal(str(p["value"])) * 100)
    if not ratios:
        return []
    out = []
    for h in hits:
        if h.get("region") != info.get("region") or h.get("kind") != "policy" or h.get("doc_id") in rule_docs:
            continue
        stated = {Decimal(x) for x in re.findall(r"(\d+(?:\.\d+)?)\s*[%％]", h.get("text", ""))}
        if stated - ratios:
            out.append(h)
    return out


def contradiction_caveat(ctx: AskContext, hits: list[Hit], info: dict[str, Any]) -> None:
    vlabel = info["version"]["label_en"] if ctx.lang == "en" else info["version"]["label_zh"]
    for h in hits[:2]:
        pcts = "、".join(sorted(set(re.findall(r"\d+(?:\.\d+)?\s*[%％]", h["text"]))))
        ctx.draft.add_caveat(
            say(ctx.lang, "rules.contradiction", title=h["title"], locator=h["locator"], pcts=pcts, version=vlabel)
        )


def calc_caveats(ctx: AskContext, calc: dict[str, Any], found: Search, info: dict[str, Any]) -> None:
    """The calculator's notices as caveats; figures from the notices' data, not their words."""
    lang = ctx.lang
    texts = calc.get("warnings") if lang == "en" else calc.get("warnings_zh")
    datas = calc.get("warning_data") or [{} for _ in calc.get("warning_codes", [])]
    for code, text, data in zip(calc.get("warning_codes", []), texts or [], datas):
        if code in ("period_ended", "not_eligible", "single_source", "not_yet_in_force"):
            continue  # said by the validity line, the conclusion, or once per document
        if code.startswith("alternative:"):
            alt = next((o for o in info.get("other_versions", []) if o["id"] == data.get("version")), None)
            if alt is None or not data.get("amount") or calc.get("amount") is None:
                continue
            marks = ""
            for p in alt["parameters"].values():
                if (
                    p.get("unit") == "ratio"
                    and p.get("value") is not None
                    and Decimal(str(p["value"])) == Decimal(data["rate"] or "-1")
                ):
                    marks += cite_ref(ctx, found, p.get("reference"), [p["percent"]])
            key = "calc.version_conflict_unverified" if data.get("status") != "official" else "calc.version_conflict"
            # Another version that gives another amount is part of the answer, not a footnote.
            (ctx.draft.say if data["amount"] != calc.get("amount") else ctx.draft.add_caveat)(
                say(
                    lang,
                    key,
                    label=alt["label_en"] if lang == "en" else alt["label_zh"],
                    rate=percent(data["rate"]) if data.get("rate") else "?",
                    amount=money(data["amount"], lang),
                    marks=marks,
                    applied=money(calc["amount"], lang),
                )
            )
        elif code.startswith("tier_not_applied:"):
            tier = next((t for t in info["version"].get("tiers", []) if t["id"] == data.get("tier")), None)
            missing = [say(lang, f"facts.{f}") for f in (data.get("missing") or "").split(",") if f]
            label = (tier["label_en"] if lang == "en" else tier["label_zh"]) if tier else data.get("tier", "")
            ctx.draft.add_caveat(
                say(
                    lang,
                    "calc.tier_not_applied",
                    what=sep(lang).join(missing),
                    tier=label,
                    rate=percent(data["rate"]) if data.get("rate") else "?",
                    amount=money(data["amount"], lang),
                )
            )
        elif code == "version_status":
            ctx.draft.add_caveat(say(lang, "calc.version_reported"))
        else:
            ctx.draft.add_caveat(replace_doc_refs(ctx, text, found))


def fetch_program_refs(ctx: AskContext, info: dict[str, Any], found: Search) -> None:
    got = fetch(ctx, program_refs(info))
    found.setdefault("references", []).extend(got.get("references", []))


__all__ = [
    "calc_caveats",
    "conflict_caveat",
    "contradicting_hits",
    "contradiction_caveat",
    "fetch_program_refs",
    "other_version_tiers",
    "program_refs",
    "ref_hit",
    "named_tier_roles",
    "replace_doc_refs",
    "rule_lines",
    "version_notes",
]
