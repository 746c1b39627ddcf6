"""The assistant: ``Assistant.load()`` once, then ``ask(question, history)`` and ``draft(enquiry)``.

Pipeline for one question (all deterministic unless an LLM is configured for phrasing):

    understand (intent + slots, facts carried over from earlier user messages)
      -> plan by intent: calculation | eligibility | comparison | compliance | process | fact
      -> tools (LangChain tools; every call recorded): search_corpus, calculate_voucher,
         check_eligibility, compare_programs, program_info, check_compliance
      -> compose (direct answer, reasoning, questions, caveats, numbered citations)
      -> guardrails (numbers and citations verified) -> optional LLM rephrase (verified again)

Thread safety: the loaded retriever, programs and tools are read-only; everything a request
writes (tool records, the draft) is created per call, so one ``Assistant`` serves concurrent
web requests.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from assistant.compose import (
    CONTACT_EN,
    CONTACT_ZH,
    INJECTION_EN,
    INJECTION_ZH,
    Draft,
    best_sentence,
    date_text,
    helpdesk_letter,
    money,
    percent,
    pick_best,
    refusal_not_found,
    refusal_off_topic,
    refusal_unknown_region,
    shorten,
    yuanify,
)
from assistant.guardrails import strip_unsupported, verify
from assistant.models import Response
from assistant.settings import Settings, get_settings
from assistant.tools import ClauseIndex, ToolSession, build_tools
from assistant.understand_v1 import PLACES, Understanding, province_of, understand

log = logging.getLogger(__name__)

# Region display names for answers (Chinese, English).
REGION_NAMES: dict[str, tuple[str, str]] = {
    "beijing": ("北京市", "Beijing"),
    "beijing-etown": ("北京经济技术开发区（亦庄）", "Beijing E-Town (Yizhuang)"),
    "beijing-shijingshan": ("北京市石景山区", "Shijingshan, Beijing"),
    "shanghai": ("上海市", "Shanghai"),
    "guizhou": ("贵州省", "Guizhou"),
    "shenzhen": ("深圳市", "Shenzhen"),
    "hangzhou": ("杭州市", "Hangzhou"),
    "chengdu": ("成都市", "Chengdu"),
    "qingyang": ("庆阳市", "Qingyang"),
    "nanning": ("南宁市", "Nanning"),
    "henan": ("河南省", "Henan"),
    "zhengzhou": ("郑州市", "Zhengzhou"),
    "anhui": ("安徽省", "Anhui"),
    "wuhu": ("芜湖市", "Wuhu"),
    "shandong": ("山东省", "Shandong"),
    "langfang": ("廊坊市", "Langfang"),
    "zhangzhou": ("漳州市", "Zhangzhou"),
    "tianjin": ("天津市", "Tianjin"),
    "qingdao": ("青岛市", "Qingdao"),
    "wuhan": ("武汉市", "Wuhan"),
    "yangzhou": ("扬州市", "Yangzhou"),
    "ningxia": ("宁夏回族自治区", "Ningxia"),
    "nanjing": ("南京市", "Nanjing"),
    "chongqing": ("重庆市", "Chongqing"),
    "xiamen": ("厦门市", "Xiamen"),
    "guangzhou-huangpu": ("广州开发区（黄埔区）", "Guangzhou Development District (Huangpu)"),
    "suzhou": ("苏州市", "Suzhou"),
    "national": ("全国", "national"),
}
_PLACE_NAMES_EN = {code: al[-1] for code, (_, al) in PLACES.items()}

FACT_LABELS = {
    "compute_type": ("算力类型（国产或非国产）", "compute type (domestic or not)"),
    "startup": ("是否为初创企业", "whether you are a start-up"),
    "sme": ("是否为中小企业", "whether you are an SME"),
    "major_project": ("是否牵头重大项目", "whether you lead a major project"),
    "project_level": ("重大项目级别", "the major project's level"),
    "opc": ("是否为一人公司", "whether you are a one-person company"),
    "annual_contract_total": ("本年度算力合同总额", "this year's total compute contracts"),
}


@dataclass
class DocInfo:
    doc_id: str
    title: str
    region: str
    program: str | None
    kind: str
    status: str
    confidence: str
    issuer: str
    effective_to: dt.date | None


def _issuer_name(raw: str) -> str:
    m = re.search(r"[（(](?:政策制定单位|组织实施单位|发文单位)[：:]\s*([^）)]+)[）)]", raw or "")
    return (m.group(1) if m else raw or "").strip()


def _read_front_matter(corpus_dir: Path) -> dict[str, dict[str, Any]]:
    import yaml

    out: dict[str, dict[str, Any]] = {}
    for path in sorted(list(corpus_dir.glob("*.md")) + list(corpus_dir.glob("*.meta.yaml"))):
        try:
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".md":
                m = re.match(r"^---[ \t]*\r?\n(.*?)\r?\n---", text, re.DOTALL)
                meta = yaml.safe_load(m.group(1)) if m else {}
            else:
                meta = yaml.safe_load(text)
        except Exception:  # a broken file is the index's business; here it only loses its issuer
            continue
        if isinstance(meta, dict) and meta.get("id"):
            out[str(meta["id"])] = meta
    return out


@dataclass
class Plan:
    """What one request decided, for the response and the logs."""

    intent: str
    regions: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Assistant:
    """Loads the retriever and the rules once; answers questions and drafts replies."""

    def __init__(self, retriever, settings: Settings | None = None, llm=None) -> None:
        from assistant.rules import load_programs

        self.settings = settings or get_settings()
        self.retriever = retriever
        self.programs = load_programs()
        self.clauses = ClauseIndex(retriever.chunks)
        self.tools = build_tools(retriever, self.clauses)
        self.llm = llm
        self._set_idf(getattr(retriever, "_bm25", None))
        self._lock = threading.Lock()
        front = _read_front_matter(self.settings.corpus_dir)
        self.docs: dict[str, DocInfo] = {}
        for c in retriever.chunks:
            if c.doc_id in self.docs:
                continue
            m = c.meta
            fm = front.get(c.doc_id, {})
            self.docs[c.doc_id] = DocInfo(
                doc_id=c.doc_id,
                title=m.title,
                region=m.region,
                program=m.program,
                kind=m.kind,
                status=m.status,
                confidence=m.confidence,
                issuer=_issuer_name(str(fm.get("issuer") or "")),
                effective_to=m.effective_to,
            )
        self.region_docs: dict[str, list[str]] = {}
        for d in self.docs.values():
            self.region_docs.setdefault(d.region, []).append(d.doc_id)
        self.known_regions = {r for r in self.region_docs if r != "national"}
        self.region_programs: dict[str, list[str]] = {}
        for p in self.programs.values():
            self.region_programs.setdefault(p.region, []).append(p.id)

    @staticmethod
    def _set_idf(bm25: Any) -> None:
        """Give the composer corpus-wide term weights (from the BM25 index) for picking sentences."""
        import math

        from assistant.compose import set_idf

        if bm25 is None:
            return
        if isinstance(getattr(bm25, "idf", None), dict):
            set_idf(bm25.idf)
            return
        postings, n = getattr(bm25, "_postings", None), getattr(bm25, "n", 0)
        if isinstance(postings, dict) and n:
            set_idf({t: math.log(1 + (n - len(p[0]) + 0.5) / (len(p[0]) + 0.5)) for t, p in postings.items()})

    # ------------------------------------------------------------ loading
    @classmethod
    def load(cls, settings: Settings | None = None, llm: Any = "auto") -> Assistant:
        """Open the index (building it if missing), load the programs and, if configured, the LLM."""
        from assistant.retrieval import open_retriever

        settings = settings or get_settings()
        retriever = open_retriever(settings)
        if llm == "auto":
            llm = None
            if settings.llm != "none":
                from assistant.llm import make_phraser

                llm = make_phraser(settings)
        return cls(retriever, settings, llm=llm)

    # ------------------------------------------------------------ helpers
    def _today(self) -> dt.date:
        from assistant.rules.eligibility import today

        return today()

    def region_name(self, code: str, lang: str) -> str:
        if code in REGION_NAMES:
            return REGION_NAMES[code][1 if lang == "en" else 0]
        if code in PLACES:
            aliases = PLACES[code][1]
            return _PLACE_NAMES_EN.get(code, aliases[0]).title() if lang == "en" else aliases[0]
        return code

    def covered_regions(self, lang: str) -> list[str]:
        order = list(REGION_NAMES)
        codes = sorted(self.known_regions, key=lambda c: order.index(c) if c in order else 99)
        return [self.region_name(c, lang) for c in codes]

    def program_name(self, pid: str, lang: str) -> str:
        p = self.programs.get(pid)
        if not p:
            return pid
        return (p.name_en or p.name) if lang == "en" else p.name

    def issuer_of(self, region: str | None = None, program: str | None = None) -> str:
        doc = None
        if program and program in self.programs:
            doc = self.docs.get(self.programs[program].corpus_doc)
        if doc is None and region:
            for did in self.region_docs.get(region, []):
                if self.docs[did].kind == "policy":
                    doc = self.docs[did]
                    break
        return doc.issuer if doc and doc.issuer else ""

    def _resolve_regions(self, u: Understanding, lang: str, plan: Plan) -> tuple[list[str], list[str]]:
        """(covered regions to answer for, place names the corpus does not cover)."""
        regions = [r for r in u.regions if r in self.known_regions]
        unknown: list[str] = []
        for r in u.regions:
            if r not in self.known_regions and r != "national":
                unknown.append(self.region_name(r, lang))
        for place in u.places:
            if place in self.known_regions:
                if place not in regions:
                    regions.append(place)
                continue
            parent = PLACES.get(place, ("", []))[0]
            chain = [parent, province_of(place)]
            mapped = next((c for c in chain if c and c in self.known_regions), None)
            if mapped:
                if mapped not in regions:
                    regions.append(mapped)
                    plan.notes.append(
                        (
                            "按{0}的政策回答（{1}位于{0}）"
                            if lang != "en"
                            else "Answered under {0}'s rules ({1} is in {0})"
                        ).format(self.region_name(mapped, lang), self.region_name(place, lang))
                    )
            elif not regions:
                unknown.append(self.region_name(place, lang))
        if not regions and not unknown:
            reg = u.facts.get("registered_in")
            if reg in self.known_regions and u.intent in ("calculation", "eligibility", "process", "fact"):
                regions = [reg]
        return regions, unknown

    def _query(self, u: Understanding, regions: list[str], lang: str) -> str:
        """The search query: the message without injected orders, with carried-over regions named."""
        q = u.text
        for part in u.injected:
            q = q.replace(part, " ")
        if "regions" in u.carried:
            q = " ".join(self.region_name(r, lang) for r in regions) + " " + q
        return q.strip() or u.text

    def _rules_date(self, u: Understanding) -> str | None:
        """The date the rules are taken at: a contract date, else the year the user names ("杭州2024年的政策")."""
        if u.date:
            return u.date.isoformat()
        if u.year and 2015 <= u.year <= self._today().year + 1:
            day = dt.date(u.year, 12, 31)
            return min(day, self._today()).isoformat() if u.year == self._today().year else day.isoformat()
        return None

    @staticmethod
    def _rules_facts(u: Understanding) -> dict[str, Any]:
        from assistant.rules import FACTS
        from assistant.rules.eligibility import normalize_fact

        out: dict[str, Any] = {}
        for k, v in u.facts.items():
            if k not in FACTS:
                continue
            try:
                normalize_fact(k, v)
            except Exception:
                continue
            out[k] = v
        return out

    @staticmethod
    def _hit_index(search: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
        idx: dict[tuple[str, str], dict[str, Any]] = {}
        for h in search.get("references", []) + search.get("hits", []):
            idx.setdefault((h["doc_id"], h["locator"]), h)
        return idx

    def _ref_hit(self, search: dict[str, Any], ref: dict[str, str] | None) -> dict[str, Any] | None:
        if not ref:
            return None
        doc, clause = ref.get("doc", ""), ref.get("clause", "")
        for h in search.get("references", []) + search.get("hits", []):
            if h["doc_id"] == doc and (h["locator"] == clause or h["locator"].startswith(clause)):
                return h
        return None

    # ------------------------------------------------------------ public API
    def ask(self, question: str, history: Iterable[str] | None = None) -> Response:
        started = time.perf_counter()
        session = ToolSession(self.tools)
        try:
            draft, u, plan = self._answer(question, list(history or []), session)
        except Exception:  # never leave the user without an answer; the failure is logged
            log.exception("answering failed for %r", question)
            u = understand(question, history, self._today(), self.known_regions)
            draft = Draft(language=u.language, refused=True)
            draft.lead = (
                ["Sorry, something went wrong while answering; please try again or rephrase the question.", CONTACT_EN]
                if u.language == "en"
                else ["抱歉，处理这个问题时出现了错误，请稍后重试或换一种问法。", CONTACT_ZH]
            )
            plan = Plan(intent="error")
        return self._finish(draft, u, plan, session, started)

    def _finish(
        self,
        draft: Draft,
        u: Understanding,
        plan: Plan,
        session: ToolSession,
        started: float,
        letter: str | None = None,
    ) -> Response:
        text = letter if letter is not None else draft.render()
        extra_evidence = [self._today().isoformat()] if letter is not None else []
        report = verify(text, draft.citations, session.calls, u.injected)
        if extra_evidence and report.unsupported_numbers:
            from assistant.guardrails import evidence_texts, unsupported_numbers

            report.unsupported_numbers = unsupported_numbers(
                text, evidence_texts(session.calls, draft.citations) + extra_evidence
            )
            report.ok = not (
                report.unsupported_numbers or report.bad_citations or report.bad_markers or report.injected_amounts
            )
        warnings: list[str] = []
        if not report.ok:
            log.warning("guardrail failure on the deterministic answer to %r: %s", u.text, report.problems())
            warnings.extend(report.problems())
            text = strip_unsupported(text, report.unsupported_numbers + report.injected_amounts)
        if self.llm is not None and letter is None and not draft.refused:
            phrased = self._phrase(text, draft, u, session, warnings)
            if phrased is not None:
                text = phrased
        return Response(
            answer=text,
            citations=draft.citations,
            tool_calls=session.calls,
            refused=draft.refused,
            language=u.language,
            intent=plan.intent,
            missing_facts=draft.missing,
            warnings=warnings,
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
        )

    def _phrase(
        self, text: str, draft: Draft, u: Understanding, session: ToolSession, warnings: list[str]
    ) -> str | None:
        """LLM rephrasing; its output must pass the same guardrails or the deterministic text stays."""
        try:
            candidate = self.llm.rephrase(question=u.text, answer=text, citations=draft.citations, language=u.language)
        except Exception as exc:
            log.warning("LLM phrasing failed (%s: %s); returning the deterministic answer", exc.__class__.__name__, exc)
            warnings.append(f"llm_failed: {exc.__class__.__name__}")
            return None
        if not candidate or not candidate.strip():
            warnings.append("llm_empty")
            return None
        report = verify(candidate, draft.citations, session.calls, u.injected)
        if not report.ok:
            log.warning("LLM draft rejected by the guardrails: %s", report.problems())
            warnings.append("llm_rejected: " + "; ".join(report.problems()))
            return None
        return candidate.strip()

    def draft(self, enquiry: str) -> Response:
        """A formal reply to an enquiry (公文 tone in Chinese, formal English otherwise)."""
        started = time.perf_counter()
        session = ToolSession(self.tools)
        try:
            draft, u, plan = self._answer(enquiry, [], session)
        except Exception:
            log.exception("drafting failed for %r", enquiry)
            return self.ask(enquiry)
        region = plan.regions[0] if plan.regions else None
        issuer = self.issuer_of(region, plan.programs[0] if plan.programs else None)
        if draft.refused:
            letter = draft.render()
        else:
            letter = helpdesk_letter(draft, enquiry, issuer=issuer, lang=u.language, today=self._today())
        resp = self._finish(draft, u, plan, session, started, letter=letter)
        resp.intent = "draft:" + plan.intent
        return resp

    # ------------------------------------------------------------ planning
    def _answer(self, question: str, history: list[str], s: ToolSession) -> tuple[Draft, Understanding, Plan]:
        u = understand(question, history, self._today(), self.known_regions)
        lang = u.language
        d = Draft(language=lang)
        plan = Plan(intent=u.intent)

        if u.greeting:
            from assistant.compose import HELP_EN, HELP_ZH

            d.lead = (
                ["Hello! " + HELP_EN + " Tell me your region and your contract or settlement amount to start."]
                if lang == "en"
                else ["您好！" + HELP_ZH + "请告诉我您所在的地区和合同（或结算）金额，我来帮您测算。"]
            )
            plan.intent = "greeting"
            return d, u, plan
        if u.intent == "out_of_scope" and not u.injection:
            d.refused = True
            d.lead = refusal_off_topic(lang)
            plan.intent = "out_of_scope"
            return d, u, plan

        regions, unknown = self._resolve_regions(u, lang, plan)
        plan.regions = regions
        if unknown and not regions:
            d.refused = True
            d.lead = refusal_unknown_region(lang, unknown, self.covered_regions(lang))
            plan.intent = "unknown_region"
            return d, u, plan
        for note in plan.notes:
            d.add_caveat(note)
        if unknown:
            d.add_caveat(
                (
                    "资料库中没有收录{0}的算力券政策文件，以下只回答{1}。"
                    if lang != "en"
                    else "The knowledge base has no document for {0}; the answer covers {1} only."
                ).format(
                    "、".join(unknown) if lang != "en" else ", ".join(unknown),
                    "、".join(self.region_name(r, lang) for r in regions)
                    if lang != "en"
                    else ", ".join(self.region_name(r, lang) for r in regions),
                )
            )

        intent = u.intent
        if (
            intent == "comparison"
            and len(regions) == 1
            and not re.search(
                r"哪(里|个地方|个城市|些地方)|各地|全国|其他地方|别的地方|which (city|region|place)|across|other regions",
                u.text,
                re.I,
            )
        ):
            intent = "calculation" if u.amount is not None else "fact"
        if intent == "calculation" and len(regions) >= 2:
            intent = "comparison"
        if (
            intent == "comparison"
            and not regions
            and u.amount is None
            and not re.search(
                r"哪(里|儿|个地方|个城市|个地区|些地方|个省|个市|家)|各地|全国|所有|其他地方|别的地方|which (city|region|place|province)|"
                r"across|regions|cities|everywhere",
                u.text,
                re.I,
            )
        ):
            intent = "fact"  # "算力券和补贴有什么区别" compares concepts, not programs
        user_facts = set(self._rules_facts(u)) - {"line_items", "entity_type", "purpose"}
        if (
            intent == "eligibility"
            and not user_facts
            and (not regions or "scope" in u.topics)
            and not u.facts.get("entity_type")
        ):
            intent = "fact"  # "算力券可以用来买存储吗" asks about the rule
        plan.intent = intent
        handler = {
            "calculation": self._calculation,
            "eligibility": self._eligibility,
            "comparison": self._comparison,
            "compliance": self._compliance,
            "process": self._process,
        }.get(intent, self._fact)
        handler(u, d, s, regions, plan)
        if u.injection:
            d.add_caveat(INJECTION_EN if lang == "en" else INJECTION_ZH)
        if u.approx_amount and u.amount is not None and not d.refused and intent in ("calculation", "comparison"):
            d.add_caveat(
                f"“{u.approx_amount}” was taken as {money(u.amount, lang)}; give the exact figure for an exact amount."
                if lang == "en"
                else f"“{u.approx_amount}”按{money(u.amount)}估算；请提供合同的准确金额以得到准确结果。"
            )
        if u.foreign_currency and not d.refused:
            d.add_question(
                "Please give the amount in yuan (RMB); amounts in other currencies are not converted."
                if lang == "en"
                else "请提供人民币金额；其他币种的金额不作换算。",
                "amount",
            )
        if u.asserted and not d.refused:
            d.add_caveat(
                "您提到的数额与上述政策文本不一致，请以政策文本为准。"
                if lang != "en"
                else "The figure you mentioned does not match the policy text above; the text prevails."
            )
        return d, u, plan

    def _programs_for(self, regions: list[str]) -> list[str]:
        out: list[str] = []
        for r in regions:
            out.extend(p for p in self.region_programs.get(r, []) if p not in out)
        return out

    # ------------------------------------------------------------ shared pieces
    def _search(
        self,
        s: ToolSession,
        u: Understanding,
        regions: list[str],
        lang: str,
        *,
        kinds: list[str] | None = None,
        references: list[dict] | None = None,
        k: int = 5,
        extra_query: str = "",
        include_national: bool = False,
        query: bool = True,
    ) -> dict[str, Any]:
        """One search tool call; ``query=False`` fetches only the referenced clauses."""
        q = (self._query(u, regions, lang) + " " + extra_query).strip() if query else ""
        filt = list(regions) + (["national"] if include_national and regions else [])
        # Chinese questions about a named region: keywords over that region's few documents are
        # enough and skip the query embedding; English or open questions use the hybrid search.
        mode = "bm25" if (lang != "en" and regions and q) else "hybrid"
        return s.call(
            "search_corpus",
            query=q,
            regions=filt or None,
            kinds=kinds,
            k=k,
            mode=mode,
            references=[{"doc": r["doc"], "clause": r["clause"]} for r in (references or []) if r] or None,
        )

    def _period_caveat(
        self, d: Draft, search: dict[str, Any], program: str | None, region: str | None, lang: str, s: ToolSession
    ) -> None:
        """'The program period has ended', cited, when the program's text has expired."""
        doc_id = self.programs[program].corpus_doc if program in self.programs else None
        if doc_id is None and region:
            docs = [self.docs[x] for x in self.region_docs.get(region, []) if self.docs[x].kind == "policy"]
            doc_id = docs[0].doc_id if docs else None
        info = self.docs.get(doc_id or "")
        if not info or info.status not in ("expired", "superseded") or not info.effective_to:
            return
        if info.effective_to >= self._today():
            return
        chunk = self.clauses.first(info.doc_id, r"执行期|实施期|有效期|已于.{0,12}结束|基期已经结束")
        hit = None
        if chunk is not None:
            got = s.call("search_corpus", query="", references=[{"doc": chunk.doc_id, "clause": chunk.locator}])
            hit = (got.get("references") or [None])[0]
            search.setdefault("references", []).extend(got.get("references", []))
        end = info.effective_to
        issuer = self.issuer_of(region, program) or ("发文单位" if lang != "en" else "the issuer")
        if lang == "en":
            d.add_caveat(
                f"The period of {info.title} ended on {date_text(end, 'en')}"
                + (f" {d.cite(hit, prefer=['结束', '执行期'])}" if hit else "")
                + f"; whether the program continues, and on what terms, must be confirmed with {issuer}."
            )
        else:
            d.add_caveat(
                f"《{info.title}》的执行期已于{date_text(end)}结束"
                + (d.cite(hit, prefer=["结束", "执行期"]) if hit else "")
                + f"；政策是否延续、按什么标准执行，请向{issuer}确认。"
            )

    def _doc_caveats(self, d: Draft, program: str | None, lang: str) -> None:
        if program not in self.programs:
            return
        info = self.docs.get(self.programs[program].corpus_doc)
        if info and info.confidence in ("S1",) and lang != "en":
            d.add_caveat("该政策的要点只见于单一公开来源，请以发文单位的正式文本为准。")
        elif info and info.confidence in ("S1",):
            d.add_caveat(
                "The key points of this policy come from a single public copy; the issuer's official text prevails."
            )

    def _confirm(self, d: Draft, region: str | None, program: str | None, lang: str) -> None:
        issuer = self.issuer_of(region, program)
        if lang == "en":
            d.add_caveat(
                f"This is based on public copies of the texts; the final amount and eligibility are decided on review by "
                f"{issuer or 'the issuing authority'}. Please confirm with them before applying."
            )
        else:
            d.add_caveat(f"以上依据公开文本整理和测算，最终以{issuer or '发文单位'}审核为准，申报前请向其确认。")

    def _replace_doc_refs(self, text: str, search: dict[str, Any], d: Draft, s: ToolSession) -> str:
        """'(beijing-etown-2024-03-reported 第四条)' in a rules note -> '《title》第四条 [n]'."""

        def repl(m: re.Match) -> str:
            doc, clause = m.group(1), m.group(2)
            if doc not in self.docs:
                return m.group(0)
            hit = self._ref_hit(search, {"doc": doc, "clause": clause})
            if hit is None:
                got = s.call("search_corpus", query="", references=[{"doc": doc, "clause": clause}])
                search.setdefault("references", []).extend(got.get("references", []))
                hit = (got.get("references") or [None])[0]
            mark = d.cite(hit) if hit else ""
            title = self.docs[doc].title
            return f"《{title}》{clause}{mark}" if d.language != "en" else f"{title} {clause} {mark}".strip()

        return re.sub(
            r"([a-z][a-z0-9-]+[0-9a-z])\s*(第[一二三四五六七八九十百]+条|[一二三四五六七八九十]+、)", repl, text
        )

    # ------------------------------------------------------------ rules summary (no amount)
    def _rule_lines(
        self, info: dict[str, Any], search: dict[str, Any], d: Draft, lang: str, topics: Iterable[str] = ()
    ) -> tuple[list[str], bool]:
        """Sentences stating a program's rate and caps from ``program_info``; (lines, rate_unpublished)."""
        v = info["version"]
        params = v["parameters"]
        topics = set(topics)
        lines: list[str] = []
        unpublished = False
        want_rate = (
            not topics or "rate" in topics or "domestic" in topics or not ({"cap", "budget", "minimum"} & topics)
        )
        want_cap = not topics or "cap" in topics or not ({"rate", "domestic"} & topics)
        rate = params.get("rate")
        base = info["base_label_en"] if lang == "en" else info["base_label_zh"]
        if want_rate and rate is not None:
            hit = self._ref_hit(search, rate.get("reference"))
            mark = d.cite(hit, prefer=[rate.get("percent") or "未", "比例"]) if hit else ""
            if rate.get("value") is None:
                unpublished = True
                lines.append(
                    f"The ratio is not published{mark}." if lang == "en" else f"抵扣（补贴）比例未见公开{mark}。"
                )
            else:
                maxi = (" (a maximum)" if lang == "en" else "（上限）") if rate.get("upper_bound") else ""
                unv = (" (unverified)" if lang == "en" else "（未核实）") if rate.get("status") == "unverified" else ""
                lines.append(
                    f"Rate: {rate['percent']}{maxi}{unv} of the {base}{mark}."
                    if lang == "en"
                    else f"比例：{base}的{rate['percent']}{maxi}{unv}{mark}。"
                )
            for t in v.get("tiers", []):
                for role, pname in t["use"].items():
                    p = params.get(pname)
                    if not p or p.get("value") is None:
                        continue
                    hit = self._ref_hit(search, p.get("reference"))
                    mark = d.cite(hit, prefer=[p.get("percent") or p.get("wan") or ""]) if hit else ""
                    unv = (" (unverified)" if lang == "en" else "（未核实）") if p.get("status") == "unverified" else ""
                    shown = p.get("percent") or money(p.get("value"), lang)
                    label = t["label_en"] if lang == "en" else t["label_zh"]
                    what = {
                        "rate": ("rate", "比例"),
                        "annual_cap": ("annual cap", "年度上限"),
                        "per_claim_cap": ("per-claim cap", "单次上限"),
                        "cumulative_cap": ("cumulative cap", "累计上限"),
                    }.get(role, (role, role))
                    lines.append(
                        f"{label}: {what[0]} {shown}{unv}{mark}."
                        if lang == "en"
                        else f"{label}：{what[1]}{shown}{unv}{mark}。"
                    )
        if want_cap:
            for role, (en, zh) in {
                "per_claim_cap": ("Per-claim cap", "单次最高"),
                "annual_cap": ("Cap per firm per year", "每家企业每年最高"),
                "cumulative_cap": ("Cumulative cap per firm", "每家企业累计最高"),
                "min_claim": ("Minimum claim", "单次最低申领"),
            }.items():
                p = params.get(role)
                if not p:
                    continue
                hit = self._ref_hit(search, p.get("reference"))
                mark = d.cite(hit, prefer=[(p.get("wan") or "") + "万", "上限", "最高"]) if hit else ""
                if p.get("value") is None:
                    lines.append(f"{en}: not published{mark}." if lang == "en" else f"{zh}：未见公开{mark}。")
                    continue
                unv = (" (unverified)" if lang == "en" else "（未核实）") if p.get("status") == "unverified" else ""
                label = (p.get("label_en") if lang == "en" else p.get("label_zh")) or (en if lang == "en" else zh)
                if role == "annual_cap" and lang != "en":
                    label = p.get("label_zh") or zh
                lines.append(
                    f"{label}: {money(p['value'], lang)}{unv}{mark}."
                    if lang == "en"
                    else f"{label}：{money(p['value'])}{unv}{mark}。"
                )
        return lines, unpublished

    def _other_version_tiers(self, info: dict[str, Any], search: dict[str, Any], d: Draft, lang: str) -> list[str]:
        """Domestic-compute (or other) rates that only another version of the program has."""
        out = []
        current = {t["id"] for t in info["version"].get("tiers", [])}
        for v in info.get("other_versions", []):
            for t in v.get("tiers", []):
                if t["id"] in current or "compute_type" not in t.get("when", {}):
                    continue
                parts = []
                base = v["parameters"].get("rate")
                for pname in [t["use"].get("rate")]:
                    p = v["parameters"].get(pname or "")
                    if p and p.get("value") is not None:
                        mark = d.cite(self._ref_hit(search, p.get("reference")), prefer=[p.get("percent") or ""])
                        parts.append(
                            (f"{t['label_en']} {p['percent']}" if lang == "en" else f"{t['label_zh']}{p['percent']}")
                            + mark
                        )
                if base and base.get("value") is not None:
                    mark = d.cite(self._ref_hit(search, base.get("reference")), prefer=[base.get("percent") or ""])
                    parts.append((f"otherwise {base['percent']}" if lang == "en" else f"其他{base['percent']}") + mark)
                if parts:
                    label = v["label_en"] if lang == "en" else v["label_zh"]
                    out.append(
                        (f"Under {label}: " if lang == "en" else f"按{label}：")
                        + ("; ".join(parts) if lang == "en" else "，".join(parts))
                    )
        return out

    _LAW_TITLES = {
        "民法典": "civil-code-excerpts",
        "civil code": "civil-code-excerpts",
        "公平竞争审查条例": "fair-competition-review-regulation",
        "fair competition review regulation": "fair-competition-review-regulation",
        "实施细则": "fair-competition-review-rules-2021",
        "统一大市场": "unified-market-guideline-2025",
    }

    def _article_refs(self, u: Understanding, regions: list[str]) -> list[dict[str, str]]:
        """Clauses the user names by number ("民法典第154条", "条例第十条"), looked up exactly."""
        if not u.articles:
            return []
        low = u.text.lower()
        docs = [d for k, d in self._LAW_TITLES.items() if k in low]
        if not docs:
            for r in regions:
                docs += [x for x in self.region_docs.get(r, []) if self.docs[x].kind == "policy"]
        refs = []
        for doc in docs:
            for label in u.articles:
                c = self.clauses.find(doc, label)
                if c is not None and c.locator == label:
                    refs.append({"doc": c.doc_id, "clause": c.locator})
        return refs

    def _version_notes(self, d: Draft, info: dict[str, Any], search: dict[str, Any], s: ToolSession, lang: str) -> None:
        """The rules' own notes on the version (disputed base, city + district totals ...), cited."""
        for note in info["version"].get("notes_en" if lang == "en" else "notes_zh", []):
            d.add_caveat(self._replace_doc_refs(note, search, d, s))

    def _program_refs(self, info: dict[str, Any]) -> list[dict[str, str]]:
        refs = []
        for v in [info["version"]] + info.get("other_versions", []):
            for p in v["parameters"].values():
                if p.get("reference"):
                    refs.append(p["reference"])
        return refs

    def _contradicting_hits(self, info: dict[str, Any], hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Policy clauses of the program's region, outside the documents its rules cite, that state a
        ratio no version of the rules has. Such a clause is not quoted as a related rule: it is named
        as a conflict, so an added or altered document cannot change what the user is told silently."""
        rule_docs = {r.get("doc") for r in self._program_refs(info)} | {info.get("corpus_doc")}
        ratios: set[Decimal] = set()
        for v in [info["version"]] + info.get("other_versions", []):
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

    def _contradiction_caveat(self, d: Draft, hits: list[dict[str, Any]], info: dict[str, Any], lang: str) -> None:
        vlabel = info["version"]["label_en"] if lang == "en" else info["version"]["label_zh"]
        for h in hits[:2]:
            pcts = "、".join(sorted(set(re.findall(r"\d+(?:\.\d+)?\s*[%％]", h["text"]))))
            if lang == "en":
                d.add_caveat(
                    f"《{h['title']}》 {h['locator']} states {pcts}, which does not match the clauses the rules "
                    f"above rest on; it was not used. The answer follows {vlabel}; confirm with the issuer."
                )
            else:
                d.add_caveat(
                    f"资料库中《{h['title']}》{h['locator']}的表述（{pcts}）与上述规则所依据的条款不一致，未予采用；"
                    f"以上按{vlabel}作答，请以发文单位的正式文本为准。"
                )

    def _conflict_caveat(self, d: Draft, info: dict[str, Any], search: dict[str, Any], lang: str) -> None:
        """Versions that disagree (E-Town 30% official vs 40% reported): show both."""
        v = info["version"]
        alts = [o for o in info.get("other_versions", []) if o["id"] in v.get("alternatives", [])]
        for o in alts:
            parts = []
            for _name, p in o["parameters"].items():
                if p.get("unit") != "ratio" or p.get("value") is None:
                    continue
                hit = self._ref_hit(search, p.get("reference"))
                mark = d.cite(hit, prefer=[p.get("percent") or ""]) if hit else ""
                parts.append(f"{p.get('label_en') if lang == 'en' else p.get('label_zh')} {p['percent']}{mark}")
            if not parts:
                continue
            label = o["label_en"] if lang == "en" else o["label_zh"]
            cur = v["label_en"] if lang == "en" else v["label_zh"]
            if lang == "en":
                d.add_caveat(
                    f"Conflicting versions: {label} says " + "; ".join(parts) + f" ({o['status']}, unverified); "
                    f"the answer above follows {cur}."
                )
            else:
                d.add_caveat(
                    f"版本冲突：{label}称"
                    + "；".join(parts)
                    + f"（{'未经官方核实' if o['status'] != 'official' else '另一版本'}）；"
                    f"以上按{cur}作答。"
                )

    # ------------------------------------------------------------ calculation
    def _calculation(self, u: Understanding, d: Draft, s: ToolSession, regions: list[str], plan: Plan) -> None:
        lang = d.language
        programs = self._programs_for(regions)
        if not regions:
            if u.amount is not None:
                # No region: show what the amount gives under each program, and ask where.
                self._comparison(u, d, s, regions, plan)
                d.add_question(
                    "贵单位在哪个地区申请（注册地或算力使用地）？"
                    if lang != "en"
                    else "Which region are you applying in (where you are registered or use the compute)?",
                    "region",
                )
                return
            d.lead.append(
                "请告诉我您所在的地区和合同（或结算）金额，我来按当地政策计算。"
                if lang != "en"
                else "Tell me your region and the contract (or settlement) amount and I will calculate under the local rules."
            )
            d.add_question("贵单位在哪个地区申请？" if lang != "en" else "Which region are you applying in?", "region")
            d.add_question(
                "合同金额或实际结算金额是多少元？"
                if lang != "en"
                else "What is the contract or settlement amount (yuan)?",
                "amount",
            )
            return
        if not programs:
            if u.amount is None and not ({"rate"} & set(u.topics)):
                plan.intent = "fact"
                self._fact(u, d, s, regions, plan)
            else:
                self._no_program(u, d, s, regions, plan, what="calc")
            return
        pid = programs[0]
        plan.programs = [pid]
        region = regions[0]
        facts = self._rules_facts(u)
        date = self._rules_date(u)
        info = s.call("program_info", program=pid, date=date)
        if (
            u.amount is None
            and u.target is None
            and (set(u.topics) - {"rate", "cap", "domestic", "minimum", "exists", "status"})
            and not ({"rate", "cap", "domestic", "minimum"} & set(u.topics))
        ):
            plan.intent = "fact"
            self._fact(u, d, s, regions, plan)
            return
        if u.amount is None and u.target is None:
            search = self._search(s, u, regions, lang, references=self._program_refs(info), k=4)
            lines, unpublished = self._rule_lines(info, search, d, lang, u.topics)
            if not lines:
                plan.intent = "fact"
                self._fact(u, d, s, regions, plan)
                return
            name = self.program_name(pid, lang)
            if unpublished and ("rate" in u.topics or not u.topics or "cap" not in u.topics):
                d.refused = True
            d.lead.append((f"{name}: " if lang == "en" else f"{name}：") + " ".join(lines))
            cited = {c.chunk_id for c in d.citations}
            self._extract(
                d,
                search.get("hits", []),
                self._terms(u),
                self._prefer_for(u),
                lang,
                n_details=2 if unpublished else 1,
                lead=False,
                skip=cited,
                min_score=1.0,
            )
            d.add_question(
                "合同金额或实际结算金额是多少元？提供后可以算出具体金额。"
                if lang != "en"
                else "What is the contract or settlement amount (yuan)? With it I can compute the amount.",
                "amount",
            )
            self._conflict_caveat(d, info, search, lang)
            self._version_notes(d, info, search, s, lang)
            self._period_caveat(d, search, pid, region, lang, s)
            self._confirm(d, region, pid, lang)
            return

        gross = u.amount
        excluded_total = sum(u.excluded.values(), Decimal(0)) if u.excluded else Decimal(0)
        base = gross - excluded_total if gross is not None else None
        if u.target is not None and gross is None:
            rate = info["version"]["parameters"].get("rate", {}).get("value")
            if rate:
                base = (u.target / Decimal(str(rate))).quantize(Decimal("0.01"))
        if base is None or base <= 0:
            d.lead.append(
                "扣除非算力费用后没有可计算的金额，请核对金额。"
                if lang != "en"
                else "Nothing is left to compute after removing the non-compute items; please check the amounts."
            )
            return
        calc_facts = {k: v for k, v in facts.items() if k != "compute_type"}
        rate_param = info.get("version", {}).get("parameters", {}).get("rate") or {}
        user_rate_used = False
        if u.rate is not None:
            if rate_param.get("value") is None:
                calc_facts["rate"] = str(u.rate)  # a ratio the user supplies where no text gives one: illustrative only
                user_rate_used = True
            else:
                d.add_caveat(
                    "The ratio you mentioned is not the one in the policy text; the text's ratio is used."
                    if lang == "en"
                    else "您提到的比例与政策文本不一致，已按政策文本规定的比例计算。"
                )
        if u.invalid_dates:
            # A date that does not exist is never dropped silently: the calculator's own check names it
            # (recorded as a tool call), the amount is computed without it, and the answer says so.
            bad = s.call("calculate_voucher", program=pid, amount=str(base), date=u.invalid_dates[0])
            if "error" in bad:
                d.add_caveat(
                    f"{u.invalid_dates[0]} is not a real date and was ignored; please check the contract dates."
                    if lang == "en"
                    else f"日期{u.invalid_dates[0]}不存在，计算时未采用；请核对合同日期（签订日期会影响是否在政策适用期内）。"
                )
        calc = s.call(
            "calculate_voucher",
            program=pid,
            amount=str(base),
            date=date,
            compute_type=u.facts.get("compute_type"),
            claimed_this_year=str(u.claimed_this_year) if u.claimed_this_year is not None else None,
            facts=calc_facts,
            start=u.start.isoformat() if u.start else None,
            end=u.end.isoformat() if u.end else None,
            gross_amount=str(gross) if excluded_total else None,
            excluded={k: str(v) for k, v in u.excluded.items()} if u.excluded else None,
        )
        elig = s.call("check_eligibility", facts=facts, program=pid, date=date)
        if "error" in calc:
            err = calc["error"]
            d.lead.append(("Cannot calculate: " if lang == "en" else "无法计算：") + err.get("message", ""))
            search = self._search(s, u, regions, lang, k=3)
            return
        refs = list(calc.get("references", []))
        e0 = (elig.get("results") or [{}])[0]
        refs += [m["reference"] for m in e0.get("missing", [])]
        refs += self._program_refs(info)
        search = self._search(s, u, regions, lang, references=refs, k=3, query=False)
        name = self.program_name(pid, lang)
        vlabel = calc.get("version_label") if lang == "en" else (info["version"]["label_zh"] or name)
        amount = calc.get("amount")
        base_label = info["base_label_en"] if lang == "en" else info["base_label_zh"]
        step_refs = {id(st): self._ref_hit(search, st.get("reference")) for st in calc.get("steps", [])}
        rate_hit = next((step_refs[id(st)] for st in calc["steps"] if st.get("label", "").startswith("Rate")), None)
        cap_hits = [
            step_refs[id(st)] for st in calc["steps"] if "cap" in st.get("label", "").lower() and step_refs[id(st)]
        ]

        if u.target is not None and gross is None:
            d.lead.append(
                (
                    f"To receive {money(u.target, lang)} under {vlabel}, the {base_label} would need to be about {money(base, lang)}"
                    if lang == "en"
                    else f"按{vlabel}，要获得{money(u.target)}，{base_label}约需{money(base)}"
                )
                + f"{d.cite(rate_hit, prefer=[calc.get('rate_percent') or ''])}"
                + ("; " if lang == "en" else "；")
                + (f"that base gives {money(amount, lang)}." if lang == "en" else f"按该金额计算可得{money(amount)}。")
            )
        elif calc.get("eligible") is False:
            failed = [r for r in calc.get("reasons", []) if r["status"] == "failed"]
            marks = "".join(d.cite(self._ref_hit(search, r["reference"])) for r in failed)
            why = "; ".join(self._cond_label(pid, r["condition"], lang) for r in failed)
            d.lead.append(
                f"Based on what you told us, you do not meet {name}'s conditions ({why}){marks}, so the amount is "
                f"{money(amount, lang)}."
                if lang == "en"
                else f"按您提供的信息，不符合{name}的条件（{why}）{marks}，可获得金额为{money(amount)}。"
            )
        elif amount is None:
            d.refused = True
            rate_step = next((st for st in calc["steps"] if st.get("label", "").startswith("Rate")), None)
            hit = step_refs.get(id(rate_step)) if rate_step else None
            d.lead.append(
                f"The amount cannot be calculated: {name}'s ratio is not published{d.cite(hit, prefer=['未'])}, and I "
                f"will not guess one."
                if lang == "en"
                else f"无法计算具体金额：{name}的抵扣（补贴）比例未见公开{d.cite(hit, prefer=['未', '比例'])}，本助手不会自行假设比例。"
            )
            lines, _ = self._rule_lines(info, search, d, lang, ["cap"])
            if lines:
                d.details.extend(lines)
            issuer = self.issuer_of(region, pid)
            d.add_caveat(
                (f"Ask {issuer} for the ratio that applies." if lang == "en" else f"适用比例请向{issuer}咨询。")
                if issuer
                else (CONTACT_EN if lang == "en" else CONTACT_ZH)
            )
        else:
            capped = calc.get("capped_by")
            cap_note = ""
            if capped == "min_claim":
                cap_note = (
                    "（低于最低申领额，不能申领）"
                    if lang != "en"
                    else " (below the minimum claim, so nothing can be claimed)"
                )
            elif capped:
                cap_note = "（受上限限制）" if lang != "en" else " (limited by the cap)"
            marks = d.cite(rate_hit, prefer=[calc.get("rate_percent") or ""]) + "".join(
                d.cite(h, prefer=["万元"]) for h in cap_hits[:1]
            )
            if user_rate_used:
                d.lead.append(
                    f"No ratio is published for {name}; at the {calc.get('rate_percent')} you assumed, the voucher would be "
                    f"{money(amount, lang)} for {money(calc['base'], lang)} — an illustration only, not a figure "
                    f"from the policy{marks}."
                    if lang == "en"
                    else f"{name}的比例未见公开；按您假设的{calc.get('rate_percent')}计算，{base_label}{money(calc['base'])}"
                    f"示意可得{money(amount)}，仅供参考，不是政策规定的金额{marks}。"
                )
            elif lang == "en":
                d.lead.append(
                    f"Under {vlabel}, the voucher is {money(amount, lang)}{cap_note} for a base "
                    f"({base_label}) of {money(calc['base'], lang)}{marks}."
                )
            else:
                d.lead.append(
                    f"按{vlabel}，{base_label}{money(calc['base'])}可获得算力券{money(amount)}{cap_note}{marks}。"
                )
        # Steps.
        if excluded_total and gross is not None:
            parts = ("、" if lang != "en" else ", ").join(
                f"{self._item_name(k, lang)}{money(v, lang)}" for k, v in u.excluded.items()
            )
            d.steps.append(
                f"Contract amount {money(gross, lang)} less non-compute items ({parts}) = {money(base, lang)}"
                if lang == "en"
                else f"合同额{money(gross)}，扣除不在补贴范围内的{parts}，计算基数为{money(base)}"
            )
        for st in calc.get("steps", []):
            line = self._step_line(st, calc, lang)
            if not line:
                continue
            hit = step_refs.get(id(st))
            d.steps.append(line + (d.cite(hit, prefer=[st.get("value", "")[:4]]) if hit else ""))
        # Conditions and questions.
        self._reasons_and_questions(d, e0, search, pid, lang)
        # Caveats: the rules' own warnings, version conflicts with both amounts.
        self._calc_caveats(d, calc, search, s, info, lang)
        self._period_caveat(d, search, pid, region, lang, s)
        self._doc_caveats(d, pid, lang)
        self._confirm(d, region, pid, lang)

    def _item_name(self, kind: str, lang: str) -> str:
        zh = {"storage": "存储费用", "network": "网络费用", "security": "安全服务费用", "software": "软件费用"}
        en = {"storage": "storage", "network": "network", "security": "security", "software": "software"}
        return (en if lang == "en" else zh).get(kind, kind)

    def _cond_label(self, pid: str, cond_id: str, lang: str) -> str:
        p = self.programs.get(pid)
        if p:
            for v in p.versions:
                for c in p.conditions_for(v):
                    if c.id == cond_id:
                        return c.label_en if lang == "en" else c.label_zh
        return cond_id

    def _step_line(self, st: dict[str, Any], calc: dict[str, Any], lang: str) -> str:
        """One calculation step in words, amounts in yuan with the 万元 form beside them."""
        en = lang == "en"
        label_en = st.get("label") or ""
        label = label_en if en else (st.get("label_zh") or label_en)
        value = str(st.get("value", ""))
        low = label_en.lower()

        def m(x: Any) -> str:
            return money(str(x).replace(",", ""), lang)

        def first_number(text: str) -> str | None:
            mm = re.match(r"\s*(\d+(?:\.\d+)?)", text)
            return mm.group(1) if mm else None

        label = re.sub(r"[（(]\d+(\.\d+)?万元[）)]$", "", label).strip()
        if low.startswith("version in force") or low.startswith("not eligible"):
            return ""
        if low.startswith("base:"):
            return f"Base ({label_en[6:]}): {m(value)}" if en else f"计算基数（{label.split('：', 1)[-1]}）：{m(value)}"
        if low.startswith("base × rate"):
            rate = calc.get("rate_percent") or ""
            base = re.search(r"=\s*([\d.]+)\s*×", label_en)
            raw = Decimal(value) if re.fullmatch(r"\d+(\.\d+)?", value) else None
            shown = (
                m(raw)
                if raw is not None and raw == raw.to_integral_value()
                else (f"{value} yuan" if en else f"{value}元")
            )
            return f"{m(base.group(1)) if base else ''} × {rate} = {shown}"
        if low.startswith("rounding"):
            raw_step = next(
                (x for x in calc.get("steps", []) if (x.get("label") or "").lower().startswith("base × rate")), None
            )
            num = first_number(value)
            if raw_step and num is not None and Decimal(num) == Decimal(str(raw_step.get("value"))):
                return ""  # nothing was rounded
            return f"{label}: {m(num) if num else value}" if en else f"{label}：{m(num) if num else value}"
        if low == "amount":
            num = first_number(value)
            return f"Result: {m(num)}" if en else f"结果：{m(num)}"
        if " − " in value or " = " in value:
            value = re.sub(r"\d{4,}(?:\.\d+)?", lambda x: m(x.group(0)), value)
        elif re.fullmatch(r"\d+(\.\d+)? \([\d.]+万元\)", value):
            value = m(value.split(" ")[0])
        elif re.fullmatch(r"\d{4,}(\.\d+)?", value):
            value = m(value)
        if low.startswith("capped by"):
            return f"{label}: {value}" if en else f"{label}，金额为{value}"
        return f"{label}: {value}" if en else f"{label}：{value}"

    def _reasons_and_questions(
        self,
        d: Draft,
        e0: dict[str, Any],
        search: dict[str, Any],
        pid: str,
        lang: str,
        show_missing_as_reasons: bool = False,
        max_questions: int = 5,
    ) -> None:
        for r in e0.get("reasons", []):
            if r["status"] == "missing" and not show_missing_as_reasons:
                continue
            hit = self._ref_hit(search, r.get("reference"))
            label = self._cond_label(pid, r["condition"], lang)
            mark = d.cite(hit) if hit else ""
            if r["status"] == "met":
                d.reasons.append((f"Met: {label}" if lang == "en" else f"符合：{label}") + mark)
            elif r["status"] == "failed":
                sev = (
                    ""
                    if r.get("effect") == "require"
                    else (" (a caveat, not a bar)" if lang == "en" else "（提示，不构成否决）")
                )
                d.reasons.append((f"Not met: {label}{sev}" if lang == "en" else f"不符合：{label}{sev}") + mark)
            else:
                d.reasons.append((f"To confirm: {label}" if lang == "en" else f"待确认：{label}") + mark)
        for m in e0.get("missing", [])[:max_questions]:
            d.add_question(m["question_en"] if lang == "en" else m["question_zh"], m["fact"])

    def _calc_caveats(
        self, d: Draft, calc: dict[str, Any], search: dict[str, Any], s: ToolSession, info: dict[str, Any], lang: str
    ) -> None:
        texts = calc.get("warnings") if lang == "en" else calc.get("warnings_zh")
        for code, text in zip(calc.get("warning_codes", []), texts or []):
            if code in ("period_ended", "not_eligible"):
                continue  # period: cited separately; not eligible: in the answer
            if code.startswith("alternative:"):
                alt_id = code.split(":", 1)[1]
                alt = next((o for o in info.get("other_versions", []) if o["id"] == alt_id), None)
                m_amt = re.search(r"(\d+(?:\.\d+)?) (?:yuan|元)|金额(\d+(?:\.\d+)?)元", text)
                m_rate = re.search(r"比例(\d+(?:\.\d+)?%)|rate (\d+(?:\.\d+)?%)", text)
                alt_rate = (m_rate.group(1) or m_rate.group(2)) if m_rate else None
                alt_amount = (m_amt.group(1) or m_amt.group(2)) if m_amt else None
                marks = ""
                if alt:
                    for p in alt["parameters"].values():
                        if (
                            p.get("unit") == "ratio"
                            and p.get("value") is not None
                            and alt_rate
                            and p.get("percent") == alt_rate
                        ):
                            marks += d.cite(self._ref_hit(search, p.get("reference")), prefer=[p["percent"]])
                label = (alt["label_en"] if lang == "en" else alt["label_zh"]) if alt else alt_id
                status = alt["status"] if alt else ""
                if calc.get("amount") is not None and alt_amount:
                    if lang == "en":
                        d.add_caveat(
                            f"Version conflict: under {label} the rate would be {alt_rate or '?'} and the "
                            f"amount {money(alt_amount, lang)}{marks}, against {money(calc['amount'], lang)} under the "
                            f"version applied above. The {status} version is not confirmed by an official text; confirm "
                            f"which applies with the issuer."
                        )
                    else:
                        d.add_caveat(
                            f"版本冲突：按{label}，比例为{alt_rate or '?'}，金额为{money(alt_amount)}{marks}；"
                            f"按上面适用的版本为{money(calc['amount'])}。"
                            + ("该版本未见官方文本，" if status != "official" else "")
                            + "两者以哪一个为准，请向发文单位书面确认。"
                        )
                continue
            if code.startswith("tier_not_applied:"):
                m_amt = re.search(r"(\d+(?:\.\d+)?) yuan|金额(\d+(?:\.\d+)?)元", text)
                m_rate = re.search(r"(\d+(?:\.\d+)?%)", text)
                missing = [f for f in FACT_LABELS if f in text]
                what = ("、" if lang != "en" else ", ").join(
                    FACT_LABELS[f][1 if lang == "en" else 0] for f in missing
                ) or ""
                tier_label = ""
                for t in info["version"].get("tiers", []):
                    if code.endswith(":" + t["id"]):
                        tier_label = t["label_en"] if lang == "en" else t["label_zh"]
                if m_amt and m_rate:
                    amt = m_amt.group(1) or m_amt.group(2)
                    d.add_caveat(
                        f"You did not say {what}: if {tier_label} applies, the rate is {m_rate.group(1)} and the amount "
                        f"{money(amt, lang)}."
                        if lang == "en"
                        else f"您未说明{what}：如属于“{tier_label}”，比例为{m_rate.group(1)}，金额为{money(amt)}。"
                    )
                continue
            if code == "version_status":
                d.add_caveat(
                    "The version applied is known only from a news report, not from an official text."
                    if lang == "en"
                    else "适用的版本只见于新闻报道，未见官方文本。"
                )
                continue
            if code == "single_source":
                continue  # said once by _doc_caveats
            d.add_caveat(self._replace_doc_refs(text, search, d, s))

    # ------------------------------------------------------------ no program for a covered region
    def _no_program(
        self, u: Understanding, d: Draft, s: ToolSession, regions: list[str], plan: Plan, what: str
    ) -> None:
        """A region with documents but no rules program: state what the text gives, refuse the figure."""
        lang = d.language
        search = self._search(s, u, regions, lang, k=4, kinds=["policy", "guide"])
        hits = search.get("hits", [])
        name = "、".join(self.region_name(r, lang) for r in regions)
        if what == "calc" or "rate" in u.topics:
            d.refused = True
            d.lead.append(
                f"The knowledge base has {name}'s document, but it publishes no ratio that would let me compute an "
                f"amount, so I will not give one."
                if lang == "en"
                else f"资料库收录了{name}的相关文件，但其中没有可用于计算的比例（未见公开），因此无法给出具体金额，也不会推测。"
            )
        terms = self._terms(u)
        prefer = (
            ["比例", "万元", "%", "未见公开"]
            if what == "calc" or "rate" in u.topics
            else self._prefer_for(u) + ["未见公开"]
        )
        self._extract(d, hits, terms, prefer, lang, n_details=3, lead=not d.lead)
        if not d.refused and d.lead and re.search(r"未见公开|未公开|not published", d.lead[-1]):
            d.refused = True  # the text itself says the figure asked for is not published
        issuer = self.issuer_of(regions[0] if regions else None)
        d.add_caveat(
            (f"Please ask {issuer} for the figures that apply." if lang == "en" else f"具体标准请向{issuer}咨询。")
            if issuer
            else (CONTACT_EN if lang == "en" else CONTACT_ZH)
        )

    # ------------------------------------------------------------ eligibility
    def _eligibility(self, u: Understanding, d: Draft, s: ToolSession, regions: list[str], plan: Plan) -> None:
        lang = d.language
        programs = self._programs_for(regions)
        facts = self._rules_facts(u)
        date = self._rules_date(u)
        if regions and not programs:
            self._fact(u, d, s, regions, plan)
            return
        if not facts and ({"period", "status"} & set(u.topics)):
            self._fact(u, d, s, regions, plan)  # "还能申请吗" asks whether the program still runs
            return
        if not regions:
            res = s.call("check_eligibility", facts=facts, date=date)
            rows = res.get("results", [])
            ok = [r for r in rows if r["status"] == "eligible"]
            und = [r for r in rows if r["status"] == "undetermined"]
            bad = [r for r in rows if r["status"] == "not_eligible"]
            nm = lambda r: r["program_name_en"] or r["program_name"] if lang == "en" else r["program_name"]  # noqa: E731
            if lang == "en":
                d.lead.append(
                    "Checked against every program in the knowledge base (list below). Tell me the region to get a "
                    "precise answer."
                )
            else:
                d.lead.append(
                    "按您提供的信息核对了资料库中各地区的算力券（见下表）。告诉我具体地区可以得到更准确的判断。"
                )
            refs = []
            for r in rows:
                refs += [x["reference"] for x in r["reasons"] if x["status"] == "failed"][:1]
            search = self._search(s, u, [], lang, references=refs, k=3, query=False)
            for r in ok:
                d.table.append(f"{nm(r)}: conditions met" if lang == "en" else f"{nm(r)}：已满足已知条件")
            for r in und[:8]:
                d.table.append(f"{nm(r)}: more facts needed" if lang == "en" else f"{nm(r)}：尚需补充信息")
            for r in bad:
                failed = [x for x in r["reasons"] if x["status"] == "failed"]
                mark = d.cite(self._ref_hit(search, failed[0]["reference"])) if failed else ""
                why = "; ".join(self._cond_label(r["program"], x["condition"], lang) for x in failed)
                d.table.append(f"{nm(r)}: not met ({why}){mark}" if lang == "en" else f"{nm(r)}：不符合（{why}）{mark}")
            d.add_question("贵单位在哪个地区申请？" if lang != "en" else "Which region are you applying in?", "region")
            return
        pid = programs[0]
        plan.programs = [pid]
        res = s.call("check_eligibility", facts=facts, program=pid, date=date)
        e0 = (res.get("results") or [{}])[0]
        info = s.call("program_info", program=pid, date=date)
        refs = [r["reference"] for r in e0.get("reasons", [])]
        comp = None
        if u.facts.get("registered_in") and any(
            r["status"] == "failed" and r["fact"] == "registered_in" for r in e0.get("reasons", [])
        ):
            comp = s.call("check_compliance", facts={"program": pid, "registered_in": u.facts["registered_in"]})
            for f in comp.get("findings", []):
                refs += f.get("references", [])
        search = self._search(s, u, regions, lang, references=refs, k=4)
        name = self.program_name(pid, lang)
        status = e0.get("status")
        terms, prefer = self._terms(u), self._prefer_for(u)
        failed = [r for r in e0.get("reasons", []) if r["status"] == "failed" and r.get("effect") == "require"]
        met = [r for r in e0.get("reasons", []) if r["status"] == "met"]
        if status == "not_eligible":
            marks = "".join(d.cite(self._ref_hit(search, r["reference"])) for r in failed)
            why = ("; " if lang == "en" else "；").join(self._cond_label(pid, r["condition"], lang) for r in failed)
            d.lead.append(
                f"No. On the facts given you do not meet {name}'s conditions: {why}{marks}."
                if lang == "en"
                else f"不符合。按您提供的信息，不满足{name}的申请条件：{why}{marks}。"
            )
        elif status == "eligible" and met:
            d.lead.append(
                f"Yes. On the facts given you meet all of {name}'s conditions."
                if lang == "en"
                else f"符合。按您提供的信息，满足{name}的全部申请条件。"
            )
        elif not met:
            # The fact the user asks about is not a condition of the program: answer from the text.
            self._extract(d, search.get("hits", []), terms, prefer, lang, n_details=0)
            d.lead.append(f"{name}'s conditions are listed below." if lang == "en" else f"{name}的申请条件见下。")
        else:
            if met:
                d.lead.append(
                    f"Not yet decided: the conditions you described are met, but others still need to be confirmed "
                    f"for {name} (questions below)."
                    if lang == "en"
                    else f"目前还不能确定：您已说明的条件符合{name}的要求，但还有其他条件需要确认（见下方问题）。"
                )
            else:
                d.lead.append(
                    f"{name}'s conditions are listed below; tell me your situation to check them."
                    if lang == "en"
                    else f"{name}的申请条件如下，请按下列问题补充情况，我来逐条核对。"
                )
        self._reasons_and_questions(d, e0, search, pid, lang, show_missing_as_reasons=True, max_questions=6)
        self._extract(
            d,
            search.get("hits", []),
            terms,
            prefer,
            lang,
            n_details=1,
            lead=False,
            skip={c.chunk_id for c in d.citations},
            min_score=1.5,
        )
        if comp:
            for f in comp.get("findings", [])[:1]:
                marks = "".join(d.cite(self._ref_hit(search, r)) for r in f.get("references", [])[1:3])
                d.add_caveat((f.get("explanation_en") if lang == "en" else f.get("explanation_zh")) + marks)
        for w in (e0.get("warnings") if lang == "en" else e0.get("warnings_zh")) or []:
            if "执行期" in w or "period ended" in w:
                continue
            d.add_caveat(self._replace_doc_refs(w, search, d, s))
        self._conflict_caveat(d, info, search, lang)
        self._period_caveat(d, search, pid, regions[0], lang, s)
        self._confirm(d, regions[0], pid, lang)

    # ------------------------------------------------------------ comparison
    def _comparison(self, u: Understanding, d: Draft, s: ToolSession, regions: list[str], plan: Plan) -> None:
        lang = d.language
        programs = self._programs_for(regions) if regions else list(self.programs)
        doc_only = [r for r in regions if not self.region_programs.get(r)]
        plan.programs = programs
        facts = self._rules_facts(u)
        date = self._rules_date(u)
        if u.amount is not None:
            base = u.amount - sum(u.excluded.values(), Decimal(0))
            res = s.call(
                "compare_programs",
                facts=facts,
                amount=str(base),
                programs=programs,
                date=date,
                compute_type=u.facts.get("compute_type"),
                claimed_this_year=str(u.claimed_this_year) if u.claimed_this_year is not None else None,
            )
            rows = res.get("rows", [])
            refs = []
            for r in rows:
                refs += (r.get("references") or [])[:2]
            search = self._search(s, u, regions, lang, references=refs, k=3, query=False)
            with_amount = [r for r in rows if r.get("amount") is not None and r["status"] != "not_eligible"]
            if with_amount:
                best = max(with_amount, key=lambda r: Decimal(r["amount"]))
                nm = best["program_name_en"] if lang == "en" else best["program_name"]
                d.lead.append(
                    f"For {money(base, lang)}, the largest voucher is under {nm}: {money(best['amount'], lang)}."
                    if lang == "en"
                    else f"按{money(base)}计算，{nm}可得金额最高，为{money(best['amount'])}。"
                )
            for r in rows:
                nm = r["program_name_en"] if lang == "en" else r["program_name"]
                marks = "".join(d.cite(self._ref_hit(search, ref)) for ref in (r.get("references") or [])[:2])
                if r.get("amount") is None:
                    line = (
                        f"{nm}: no amount, {r.get('reason')}"
                        if lang == "en"
                        else f"{nm}：{r.get('reason_zh') or '无法计算'}"
                    )
                elif r["status"] == "not_eligible":
                    line = (
                        f"{nm}: not eligible ({r.get('reason')})"
                        if lang == "en"
                        else f"{nm}：不符合条件（{r.get('reason_zh')}）"
                    )
                else:
                    rate = r.get("rate_percent") or ""
                    st = {
                        "eligible": ("conditions met", "已满足已知条件"),
                        "undetermined": ("if eligible", "如符合条件"),
                    }[r["status"]]
                    line = (
                        f"{nm}: rate {rate}, {money(r['amount'], lang)} ({st[0]})"
                        if lang == "en"
                        else f"{nm}：比例{rate}，{st[1]}可得{money(r['amount'])}"
                    )
                d.table.append(line + marks)
        else:
            infos = [s.call("program_info", program=p, date=date) for p in programs]
            refs = []
            for info in infos:
                if "error" not in info:
                    refs += self._program_refs(info)
            search = self._search(s, u, regions, lang, references=refs, k=3, query=False)
            best_rate = None
            for info in infos:
                if "error" in info:
                    continue
                lines, _ = self._rule_lines(
                    info, search, d, lang, [t for t in u.topics if t in ("rate", "cap", "domestic")]
                )
                nm = info["name_en"] if lang == "en" else info["name"]
                d.table.append(f"{nm}: " + " ".join(lines) if lang == "en" else f"{nm}：" + "".join(lines))
                r = info["version"]["parameters"].get("rate", {}).get("value")
                if r is not None and (best_rate is None or Decimal(r) > Decimal(best_rate[1])):
                    best_rate = (nm, r)
            if best_rate and ("rate" in u.topics or not u.topics) and len(infos) > 1:
                d.lead.append(
                    f"Of these, the highest base rate is {best_rate[0]}'s {percent(best_rate[1])}; details below."
                    if lang == "en"
                    else f"其中基本比例最高的是{best_rate[0]}（{percent(best_rate[1])}），各地规定如下。"
                )
            elif len(infos) > 1:
                d.lead.append("The programs compare as follows." if lang == "en" else "各地规定对比如下。")
            for info in infos:
                if "error" not in info:
                    self._conflict_caveat(d, info, search, lang)
        for r in doc_only:
            nm = self.region_name(r, lang)
            d.table.append(
                f"{nm}: the knowledge base has its document but no published ratio to compute with."
                if lang == "en"
                else f"{nm}：资料库收录了相关文件，但未见可用于计算的比例。"
            )
        if not d.lead:
            d.lead.append("Comparison below." if lang == "en" else "对比如下。")
        d.add_caveat(
            "Amounts are ceilings under each text; conditions differ by region (registration, supplier, compute type)."
            if lang == "en"
            else "各地条件不同（注册地、供应商、算力类型等），以上金额为按各自文本测算的上限，以当地审核为准。"
        )

    # ------------------------------------------------------------ compliance
    def _compliance(self, u: Understanding, d: Draft, s: ToolSession, regions: list[str], plan: Plan) -> None:
        lang = d.language
        if self._article_refs(u, regions) and not {k for k in u.compliance if k != "role"}:
            plan.intent = "fact"
            self._fact(u, d, s, regions, plan)  # "民法典第154条说了什么" asks for the clause itself
            return
        programs = self._programs_for(regions)
        facts = dict(self._rules_facts(u))
        facts.update(u.compliance)
        if programs:
            facts["program"] = programs[0]
            plan.programs = [programs[0]]
        if u.date:
            facts["date"] = u.date.isoformat()
        res = s.call("check_compliance", facts=facts)
        findings = res.get("findings", []) if isinstance(res, dict) else []
        refs = []
        for f in findings:
            refs += f.get("references", [])[:3]
        search = self._search(s, u, regions, lang, references=refs, k=4, include_national=True)
        terms = self._terms(u)
        sev = {
            "high": ("high risk", "高风险"),
            "medium": ("medium risk", "中等风险"),
            "low": ("low risk", "低风险"),
            "info": ("note", "提示"),
        }
        if findings:
            top = findings[0]
            marks = "".join(d.cite(self._ref_hit(search, r)) for r in top.get("references", [])[:2])
            title = top["title_en"] if lang == "en" else top["title_zh"]
            d.lead.append(
                (
                    f"{title} ({sev[top['severity']][0]}): "
                    if lang == "en"
                    else f"{title}（{sev[top['severity']][1]}）："
                )
                + (top["explanation_en"] if lang == "en" else top["explanation_zh"])
                + marks
            )
            d.lead.append(
                ("Advice: " if lang == "en" else "建议：")
                + (top["recommendation_en"] if lang == "en" else top["recommendation_zh"])
            )
            for f in findings[1:5]:
                marks = "".join(d.cite(self._ref_hit(search, r)) for r in f.get("references", [])[:2])
                title = f["title_en"] if lang == "en" else f["title_zh"]
                d.findings.append(
                    f"{title}（{sev[f['severity']][1]}）：{f['explanation_zh']} 建议：{f['recommendation_zh']}{marks}"
                    if lang != "en"
                    else f"{title} ({sev[f['severity']][0]}): {f['explanation_en']} Advice: {f['recommendation_en']}{marks}"
                )
        else:
            hits = search.get("hits", [])
            if not hits or (search.get("weak") and not regions):
                d.refused = True
                d.lead = refusal_not_found(lang)
                return
            lead_hit = hits[0]
            sent = best_sentence(lead_hit["text"], terms)
            d.lead.append(shorten(sent, 160) + d.cite(lead_hit, terms=terms))
            for h in hits[1:3]:
                if h["doc_id"] == lead_hit["doc_id"] and h["locator"] == lead_hit["locator"]:
                    continue
                d.details.append(shorten(best_sentence(h["text"], terms), 140) + d.cite(h, terms=terms))
        d.add_caveat(
            "These are rule-based checks, not legal advice; for a binding view ask the issuing authority or a lawyer."
            if lang == "en"
            else "以上为基于规则的合规提示，不构成法律意见；具体问题请咨询发文单位或律师。"
        )

    # ------------------------------------------------------------ process and facts
    _SYNONYMS = [
        {"外省", "省外", "外地", "异地", "省内外", "市外", "外地企业", "outside", "out-of-province", "non-local"},
        {"转让", "转卖", "倒卖", "出售", "买卖", "赠与", "出借", "transfer", "resale", "sell", "sale", "lend"},
        {"比例", "抵扣比例", "补贴比例", "百分之", "rate", "ratio", "percent", "share"},
        {"上限", "最高", "封顶", "最多", "cap", "maximum", "max"},
        {"申请", "申领", "申报", "apply", "claim", "application"},
        {"材料", "提交", "凭证", "发票", "documents", "materials", "invoice", "proof"},
        {"总额", "预算", "资金", "每年", "budget", "total", "pool"},
        {"有效期", "执行期", "实施期", "结束", "到期", "期限", "expire", "ended", "period", "valid"},
        {"关联方", "关联", "非关联方", "related", "non-related", "affiliate"},
        {"国产", "国产算力", "domestic"},
        {"企业", "公司", "主体", "company", "companies", "firm", "firms", "enterprise", "enterprises"},
        {"流程", "步骤", "程序", "steps", "process", "procedure"},
        {"证券", "有价证券", "货币", "security", "currency"},
        {"先付", "垫付", "即领即用", "抵扣", "预付", "pre-pay", "prepay", "deducted"},
    ]

    def _terms(self, u: Understanding) -> list[str]:
        """Search-style tokens of the question, without region names, with a few synonyms added."""
        from assistant.retrieval import REGION_ALIASES, _jieba, normalise_query

        text = u.text
        for sp in u.injected:
            text = text.replace(sp, " ")
        region_words = {a.lower() for r in u.regions for a in REGION_ALIASES.get(r, [])}
        region_words |= {a.lower() for code in u.places for a in PLACES.get(code, ("", []))[1]}
        # Whole words (jieba), not character bigrams: "用贵" or "州的" would only add noise here.
        toks = [t.strip().lower() for t in _jieba().lcut_for_search(normalise_query(text))]
        toks = [t for t in toks if len(t) >= 2 and not re.fullmatch(r"[\W_\d]+", t)]
        if u.language == "en":
            toks += [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]{3,}", text)]
        toks = [
            t
            for t in toks
            if t.lower() not in region_words
            and not any(t in w for w in region_words if len(t) >= 2 and not t.isascii())
        ]
        extra: list[str] = []
        low = {t.lower() for t in toks}
        for group in self._SYNONYMS:
            if low & group or any(g in text for g in group if not g.isascii()):
                extra.extend(sorted(group))
        return list(dict.fromkeys(toks + extra))

    def _lang_hits(self, hits: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
        """English questions read English summaries first; Chinese ones the clauses."""
        if lang == "en":
            en = [h for h in hits if h["locator"] == "English summary"]
            return en + [h for h in hits if h["locator"] != "English summary"] if en else hits
        zh = [h for h in hits if h["locator"] != "English summary"]
        return zh or hits

    def _extract(
        self,
        d: Draft,
        hits: list[dict[str, Any]],
        terms: list[str],
        prefer: list[str],
        lang: str,
        n_details: int = 2,
        lead: bool = True,
        skip: set[str] | None = None,
        min_score: float = 0.0,
        limit: int = 180,
        extra_pool: list[dict[str, Any]] = (),
        whole: bool = False,
    ) -> float:
        """Lead sentence (optional) and details from the best sentences of the top hits; returns the lead score."""
        pool = [h for h in self._lang_hits(hits, lang) if not skip or h["chunk_id"] not in skip]
        seen_ids = {h["chunk_id"] for h in pool}
        pool += [h for h in extra_pool if h["chunk_id"] not in seen_ids and (not skip or h["chunk_id"] not in skip)]
        pool = [h for h in pool if h["locator"] != "说明"] or pool  # the summary note says how reliable, not what
        if lang == "en":
            en_pool = [h for h in pool if h["locator"] == "English summary"]
            pool = en_pool or pool
        lead_score = 0.0
        used: set[str] = set()
        if lead and pool:
            hit, sent, lead_score = pick_best(pool, terms, prefer, top=len(pool))
            if hit is not None:
                if whole:  # a worked example or a procedure reads as the whole clause
                    sent = re.sub(
                        r"^\s*(第[一二三四五六七八九十百零〇]+条|[一二三四五六七八九十]+、)\s*(【[^】]{1,30}】\s*)*",
                        "",
                        hit["text"],
                    )
                    limit = max(limit, 300)
                d.lead.append(yuanify(shorten(sent, limit)) + d.cite(hit, prefer=prefer, terms=terms))
                used.add(hit["chunk_id"])
        rest = [h for h in pool if h["chunk_id"] not in used]
        while rest and len(d.details) < n_details:
            hit, sent, sc = pick_best(rest, terms, prefer, top=len(rest))
            if hit is None or sc <= min_score:
                break
            line = shorten(sent, 150)
            if line and not any(line[:25] in x for x in d.details + d.lead):
                d.details.append(yuanify(line) + d.cite(hit, prefer=prefer, terms=terms))
            rest = [h for h in rest if h["chunk_id"] != hit["chunk_id"]]
        return lead_score

    def _process(self, u: Understanding, d: Draft, s: ToolSession, regions: list[str], plan: Plan) -> None:
        lang = d.language
        programs = self._programs_for(regions)
        plan.programs = programs[:1]
        search = self._search(
            s,
            u,
            regions,
            lang,
            k=6,
            kinds=["guide", "policy"] if regions else None,
            extra_query="申领 兑付 流程 材料" if lang != "en" else "apply claim redeem process",
        )
        hits = search.get("hits", [])
        if not hits or (search.get("weak") and not regions):
            d.refused = True
            d.lead = refusal_not_found(lang)
            return
        terms = self._terms(u)
        prefer = (
            ["申领", "兑付", "提交", "发票", "平台", "步骤", "第一步", "申请", "材料"]
            if lang != "en"
            else ["apply", "submit", "redeem", "invoice", "step", "platform"]
        )
        self._extract(d, hits, terms, prefer, lang, n_details=3, limit=200)
        if programs:
            self._period_caveat(d, search, programs[0], regions[0], lang, s)
        issuer = self.issuer_of(regions[0] if regions else None, programs[0] if programs else None)
        d.add_caveat(
            f"Application windows, systems and materials are set by {issuer or 'the issuer'}'s notices; check the "
            f"latest notice before applying."
            if lang == "en"
            else f"申报时间、系统入口和材料以{issuer or '主管部门'}发布的最新通知为准，申报前请查看通知或电话咨询。"
        )

    def _fact(self, u: Understanding, d: Draft, s: ToolSession, regions: list[str], plan: Plan) -> None:
        lang = d.language
        programs = self._programs_for(regions)
        pid = programs[0] if programs else None
        plan.programs = [pid] if pid else []
        region = regions[0] if regions else None
        topics = set(u.topics)
        structured = {"rate", "cap", "domestic", "minimum"} & topics
        general = bool(
            re.search(
                r"怎么(规定|算|补)|什么(政策|规定|标准)|规定(是)?什么|具体(内容|规定)|介绍|主要内容|有哪些(规定|支持)|什么样|怎么样|是怎样|"
                r"how does .* work|what are the rules|tell me about|summar",
                u.text,
                re.I,
            )
        ) or (not (topics - {"exists"}) and len(re.sub(r"算力券|算力|政策|的|吗|呢|[？?！!。，,\s]", "", u.text)) <= 6)
        if regions and not pid and (structured or (u.intent == "calculation" and u.amount is not None)):
            self._no_program(u, d, s, regions, plan, what="fact")
            return
        info = None
        refs: list[dict] = []
        if self._article_refs(u, regions):
            structured, general = set(), False
        other_voucher = bool(
            re.search(
                r"模型券|语料券|数据券|标注券|智能券|算法券|存力券|运力券|model voucher|corpus voucher|data voucher",
                u.text,
                re.I,
            )
        )
        if pid and (structured or general) and not other_voucher:
            info = s.call("program_info", program=pid, date=self._rules_date(u))
            if "error" in info:
                info = None
            else:
                refs = self._program_refs(info)
        if pid and topics & {"status", "period"}:
            doc = self.programs[pid].corpus_doc
            for pattern in (r"执行期|实施期|有效期", r"延续|继续|2026"):
                c = self.clauses.first(doc, pattern)
                if c is not None:
                    refs.append({"doc": c.doc_id, "clause": c.locator})
        art_refs = self._article_refs(u, regions)
        search = self._search(
            s, u, regions, lang, references=refs + art_refs, k=8 if regions else 5, include_national=not regions
        )
        hits = search.get("hits", [])
        if art_refs:  # the clause the user names by number is the answer
            named = [
                h for h in search.get("references", []) if {"doc": h["doc_id"], "clause": h["locator"]} in art_refs
            ]
            for h in named[:2]:
                body = re.sub(r"^\s*(第[一二三四五六七八九十百零〇]+条)\s*(【[^】]{1,30}】\s*)*", "", h["text"])
                d.lead.append(f"《{h['title']}》{h['locator']}：" + yuanify(shorten(body, 260)) + d.cite(h))
            if named:
                self._extract(
                    d,
                    hits,
                    self._terms(u),
                    self._prefer_for(u),
                    lang,
                    n_details=1,
                    lead=False,
                    skip={h["chunk_id"] for h in named},
                    min_score=1.5,
                )
                return
        if topics & {"status", "period"}:
            hits = hits + [
                h for h in search.get("references", []) if h["chunk_id"] not in {x["chunk_id"] for x in hits}
            ]
        terms = self._terms(u)
        prefer = self._prefer_for(u)
        name = self.program_name(pid, lang) if pid else ""

        # A year after the program's last version: that year's figures are not published.
        if info and u.year and structured and "period_ended" in info.get("notice_codes", []):
            d.refused = True
            end = info["version"]["effective_to"]
            d.lead.append(
                f"{name}'s figures for {u.year} are not published: the text in the knowledge base covers the period to "
                f"{date_text(end, 'en')}."
                if lang == "en"
                else f"{name}在{u.year}年的比例和上限未见公开：资料库中的文本执行期到{date_text(end)}为止。"
            )
            lines, _ = self._rule_lines(info, search, d, lang, structured)
            if lines:
                d.details.append(("Under that text: " if lang == "en" else "该文本的规定：") + " ".join(lines))
            self._period_caveat(d, search, pid, region, lang, s)
            self._extract(d, hits, terms, ["延续", "未见公开", "continue"], lang, n_details=3, lead=False)
            self._confirm(d, region, pid, lang)
            return

        if regions and ("exists" in topics or (general and not pid)):
            titles = []
            for r in regions:
                titles += [self.docs[x].title for x in self.region_docs.get(r, []) if self.docs[x].kind == "policy"]
            where = ("、" if lang != "en" else ", ").join(self.region_name(r, lang) for r in regions)
            if titles:
                d.lead.append(
                    f"Yes. The knowledge base has {where}'s texts: " + "; ".join(titles[:3]) + "."
                    if lang == "en"
                    else f"有。资料库收录了{where}的相关文件：" + "、".join(f"《{t}》" for t in titles[:3]) + "。"
                )

        lines: list[str] = []
        unpublished = False
        if info:
            lines, unpublished = self._rule_lines(info, search, d, lang, structured)
            if not lines:
                info = None  # nothing structured to say (e.g. no cap published): answer from the text
        if info:
            if unpublished and (structured & {"rate", "domestic"} or u.intent == "calculation"):
                d.refused = True
                d.lead.append(
                    (f"{name}: " if lang == "en" else f"{name}：")
                    + " ".join(lines)
                    + (" I will not guess a ratio." if lang == "en" else "本助手不会推测比例。")
                )
                issuer = self.issuer_of(region, pid)
                d.add_caveat(
                    (f"Ask {issuer} for the ratio that applies." if lang == "en" else f"适用比例请向{issuer}咨询。")
                    if issuer
                    else (CONTACT_EN if lang == "en" else CONTACT_ZH)
                )
                self._extract(d, hits, terms, prefer, lang, n_details=2, lead=False)
                return
            vlabel = info["version"]["label_en"] if lang == "en" else info["version"]["label_zh"]
            d.lead.append((f"{name} ({vlabel}): " if lang == "en" else f"{name}（{vlabel}）：") + " ".join(lines))
            if "domestic" in topics:
                d.details.extend(self._other_version_tiers(info, search, d, lang))
            self._conflict_caveat(d, info, search, lang)
            self._version_notes(d, info, search, s, lang)
            cited = {c.chunk_id for c in d.citations}
            contradicting = self._contradicting_hits(info, hits)
            self._contradiction_caveat(d, contradicting, info, lang)
            self._extract(
                d,
                hits,
                terms,
                prefer,
                lang,
                n_details=1 if structured else 2,
                lead=False,
                skip=cited | {h["chunk_id"] for h in contradicting},
                min_score=1.0,
            )
        else:
            if not hits or (search.get("weak") and not regions and not u.domain):
                d.refused = True
                d.lead = refusal_not_found(lang)
                return
            if search.get("weak") and not regions and not self._strong_enough(hits, terms):
                d.refused = True
                d.lead = refusal_not_found(lang)
                return
            self._extract(d, hits, terms, prefer, lang, n_details=2, whole="example" in topics)
            if pid:
                info2 = s.call("program_info", program=pid)
                if "error" not in info2 and info2["version"].get("alternatives"):
                    refs2 = self._program_refs(info2)
                    got = s.call("search_corpus", query="", references=refs2)
                    search.setdefault("references", []).extend(got.get("references", []))
                    self._conflict_caveat(d, info2, search, lang)
        if pid:
            self._period_caveat(d, search, pid, region, lang, s)
        statuses = {c.status for c in d.citations}
        if "reported" in statuses:
            d.add_caveat(
                "Part of this comes from a news report only and is unverified."
                if lang == "en"
                else "部分内容只见于新闻报道，未经官方文本核实。"
            )
        if "draft" in statuses:
            d.add_caveat(
                "Part of this comes from a draft for comment, not a final text."
                if lang == "en"
                else "部分内容来自征求意见稿，不是正式文本。"
            )
        if region or pid:
            self._confirm(d, region, pid, lang)

    def _strong_enough(self, hits: list[dict[str, Any]], terms: list[str]) -> bool:
        top = hits[0]["text"]
        return sum(1 for t in set(terms) if len(t) >= 2 and t in top) >= 3

    def _prefer_for(self, u: Understanding) -> list[str]:
        prefer: list[str] = []
        t = set(u.topics)
        if re.search(
            r"多少|几(家|个|年|次|月)|how (many|much|long)|what (is the|'s the) (number|amount)", u.text, re.I
        ):
            prefer.append("<NUM>")
        if "budget" in t:
            prefer += ["每年", "亿元", "总额", "资金"]
        if "period" in t or "status" in t:
            prefer += ["执行期", "结束", "有效期", "施行", "延续", "期限", "ended", "continue"]
        if "issuer" in t:
            prefer += ["印发", "发布", "主管", "局", "issued by", "run by", "bureau", "administration"]
        if "scope" in t:
            prefer += ["存储", "不包括", "不在", "范围"]
        if "supplier" in t:
            prefer += ["供应商", "非关联", "服务商"]
        if "applicant" in t or u.intent == "eligibility":
            prefer += ["面向", "注册", "主体", "高等院校", "科研", "须", "applicant", "must", "registered", "open to"]
        if not u.regions and not t:
            prefer += ["政策工具", "凭证", "policy tool"]
        if "transfer" in t:
            prefer += ["不得转让", "转让"]
        if "nature" in t:
            prefer += ["政策工具", "凭证", "性质"]
        if "example" in t:
            prefer += ["示例", "例如", "example", "举例"]
        if "stacking" in t:
            prefer += ["重复", "叠加", "其他财政"]
        return prefer


# ---------------------------------------------------------------- process-wide instance

_INSTANCE: Assistant | None = None
_INSTANCE_LOCK = threading.Lock()


def get_assistant() -> Assistant:
    """One loaded assistant per process (the web app and the CLI share it)."""
    global _INSTANCE
    with _INSTANCE_LOCK:
        if _INSTANCE is None:
            _INSTANCE = Assistant.load()
        return _INSTANCE


__all__ = ["Assistant", "get_assistant"]
