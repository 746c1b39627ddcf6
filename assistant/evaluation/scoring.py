"""Scoring answers on structured outcomes, for ``eval users`` and ``eval qa``.

Why: the first QA scorer searched expected facts anywhere in the answer, quoted sources
included, so an answer made of the top retrieved clauses passed most fact cases, and another
question's answer about the same document passed a third of them. Here each check reads the
part of the response that is supposed to carry the fact: the per-ask ``verdict``, the ask's
computed ``amounts`` and its one-paragraph ``conclusion`` (see ``evals/README-users.md``).

Phrases are compared on number and word boundaries: every number (in any form the guardrails
read: 2,000,000元 / 200万 / 20% / 2025年12月31日) is replaced by its canonical key before matching,
so "200万" matches "2,000,000元" and "30%" does not match "130%"; ASCII words match whole words,
case-insensitively; Chinese words match as plain substrings.

Responses of the assistant before the issue-9 redesign carry no ``asks``; ``legacy_ask`` builds
one from the answer's first paragraph and the tool results, and every score records whether it
needed that adapter.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator

from assistant.models import AskAmount, AskAnswer, Response, Verdict

VERDICTS = frozenset(get_args(Verdict))


# ---------------------------------------------------------------- the users file

Persona = Literal["enterprise", "finance", "helpdesk", "compliance", "english", "edge"]


def _as_list(value: Any) -> Any:
    """YAML lets a single verdict, phrase or id stand for a list of one; numbers (72, a quoted
    amount left unquoted) are read as their text, never as floats."""
    if value is None:
        return []
    if not isinstance(value, list):
        value = [value]
    return [str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in value]


class ExpectedAsk(BaseModel):
    verdict: list[Verdict] = Field(min_length=1)  # any of them
    amounts: list[Decimal] = Field(default_factory=list)  # yuan; each must be computed and stated
    facts: list[list[str]] = Field(default_factory=list)  # groups of alternative phrases

    _lists = field_validator("verdict", "amounts", "facts", mode="before")(_as_list)

    @field_validator("facts", mode="before")
    @classmethod
    def _groups(cls, value: Any) -> Any:
        return [_as_list(g) for g in value]


class UserCase(BaseModel):
    id: str
    persona: Persona
    question: str = Field(min_length=1)
    asks: list[ExpectedAsk] = Field(default_factory=list)
    history: list[str] = Field(default_factory=list)
    forbid: list[str] = Field(default_factory=list)
    refused: bool | None = None
    gold_docs: list[str] = Field(default_factory=list)
    note: str = ""

    _lists = field_validator("history", "forbid", "gold_docs", mode="before")(_as_list)


class UsersFile(BaseModel):
    today: dt.date
    cases: list[UserCase]
    path: Path | None = None


def load_users(path: Path) -> UsersFile:
    """Read and validate a users file (README format); a malformed case raises ``ValueError``
    naming its id, so a file that loads is one every case of which can be scored."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict) or not isinstance(raw.get("cases"), list):
        raise ValueError(f"{path}: expected a mapping with today and cases")
    cases, seen = [], set()
    for i, item in enumerate(raw["cases"], 1):
        try:
            case = UserCase.model_validate(item)
        except ValidationError as exc:
            raise ValueError(f"{path}: case {i} ({(item or {}).get('id', 'no id')}): {exc}") from None
        if case.id in seen:
            raise ValueError(f"{path}: duplicate id {case.id}")
        seen.add(case.id)
        cases.append(case)
    try:
        return UsersFile(today=raw.get("today"), cases=cases, path=Path(path))
    except ValidationError as exc:
        raise ValueError(f"{path}: today: {exc}") from None


# ---------------------------------------------------------------- matching phrases


def _key_text(keys: set[str]) -> str:
    """A number token as text that compares equal for equal values (dates keep their parts,
    so "2025年" still matches inside "2025年12月31日")."""
    key = sorted(keys)[0]
    if key.startswith("D"):
        y, m, d = key[1:].split("-")
        return f"⟨N{int(y)}⟩年⟨N{int(m)}⟩月⟨N{int(d)}⟩日"
    if key.startswith("M"):
        y, m = key[1:].split("-")
        return f"⟨N{int(y)}⟩年⟨N{int(m)}⟩月"
    return f"⟨{key}⟩"


def _plain(text: str) -> str:
    """Markdown bold dropped, whitespace collapsed, and removed between Chinese characters."""
    joined = re.sub(r"\s+", " ", text.replace("**", ""))
    return re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", joined).strip()


def canonical(text: str) -> str:
    """``_plain`` text with every number replaced by its canonical key (⟨N2000000⟩)."""
    from assistant.guardrails import number_tokens

    text = text.replace("**", "")
    out, pos = [], 0
    for tok in number_tokens(text):
        start = text.find(tok.text, tok.start)
        if start < pos or start < 0:
            continue
        out.append(text[pos:start])
        out.append(_key_text(tok.keys))
        pos = start + len(tok.text)
    out.append(text[pos:])
    return _plain("".join(out))


def _compile(body_text: str) -> re.Pattern[str]:
    """Whitespace-flexible, case-insensitive; ASCII letters or digits at either end of the
    phrase must not continue in the text (word boundaries); Chinese ends need none."""
    body = re.escape(body_text).replace(r"\ ", r"\s*")
    if re.match(r"[A-Za-z0-9]", body_text):
        body = r"(?<![A-Za-z0-9])" + body
    if re.search(r"[A-Za-z0-9]$", body_text):
        body += r"(?![A-Za-z0-9])"
    return re.compile(body, re.IGNORECASE)


def find_phrase(phrase: str, text: str) -> str | None:
    """Where ``phrase`` occurs in ``text`` on number/word boundaries: the matched words as they
    stand in the canonical text (numbers shown as keys), or None."""
    if not phrase.strip():
        return None
    canon = canonical(phrase)
    if "⟨" not in canon and "⟨" in canonical(phrase + "元"):  # 一百万 reads as a number only before 元
        canon = canonical(phrase + "元").removesuffix("元")
    m = _compile(canon).search(canonical(text))
    if m is None and "⟨" not in canon:
        # a phrase with no number ("%", "万") must also be found where the text has numbers
        m = _compile(_plain(phrase)).search(_plain(text))
    return m.group(0) if m else None


def amount_stated(amount: Decimal | str, text: str) -> bool:
    """Whether ``text`` states the amount in any form (1,000,000 / 1000000 / 100万 / 100万元)."""
    return canonical(format(Decimal(str(amount)), "f")) in canonical(text)


def yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


# ---------------------------------------------------------------- the legacy adapter

_NOT_PUBLISHED = re.compile(r"未见公开|未公开|没有公开|not (?:been )?published|unpublished", re.I)
_ENDED = re.compile(r"已于.{0,20}结束|已经?结束|已到期|已过期|已失效|has ended|ended on|expired", re.I)
_IN_FORCE = re.compile(r"仍在有效期|仍然有效|仍有效|现行有效|正在实施|is (?:still )?in force|remains in force", re.I)
_QUESTION = re.compile(r"请问|请提供|请告诉|请说明|[？?]\s*$|please (?:tell|give|provide|confirm)", re.I)
_RISK_SEVERITIES = {"high", "medium", "low"}


def first_paragraph(answer: str) -> str:
    return re.split(r"\n\s*\n", answer.strip(), maxsplit=1)[0].strip()


def _outputs(response: Response, tool: str, key: str) -> list[dict[str, Any]]:
    """The items under ``key`` of every ``tool`` call's output."""
    calls = [c.output for c in response.tool_calls if c.name == tool and isinstance(c.output, dict)]
    return [item for out in calls for item in out.get(key) or [] if isinstance(item, dict)]


def _calc_amounts(response: Response) -> list[AskAmount]:
    rows = [c.output for c in response.tool_calls if c.name == "calculate_voucher" and isinstance(c.output, dict)]
    rows += _outputs(response, "compare_programs", "rows")
    return [
        AskAmount(program=str(r.get("program", "")), base=str(r.get("base") or ""), amount=str(r["amount"]))
        for r in rows
        if r.get("amount") is not None
    ]


def _all_ineligible(response: Response) -> bool:
    """Every calculation said a condition fails (``eligible: false``, or a compared row's status
    ``not_eligible``): the answer is "not eligible, 0", not an amount."""
    calcs = [c.output for c in response.tool_calls if c.name == "calculate_voucher" and isinstance(c.output, dict)]
    flags = [o.get("eligible") is False for o in calcs if o.get("amount") is not None]
    flags += [r.get("status") == "not_eligible" for r in _outputs(response, "compare_programs", "rows")]
    return bool(flags) and all(flags)


def _eligibility_status(response: Response, conclusion: str) -> str | None:
    results = [r for r in _outputs(response, "check_eligibility", "results") if r.get("status")]
    if not results:
        return None
    named = [r for r in results if r.get("program_name") and r["program_name"] in conclusion]
    return str((named or results)[0]["status"])


def _compliance_verdict(response: Response) -> str | None:
    if not any(c.name == "check_compliance" and isinstance(c.output, dict) for c in response.tool_calls):
        return None
    findings = _outputs(response, "check_compliance", "findings")
    return "risk" if any(f.get("severity") in _RISK_SEVERITIES for f in findings) else "no_risk"


def _worded_verdict(response: Response, conclusion: str) -> str:
    for verdict, pattern in (("not_published", _NOT_PUBLISHED), ("ended", _ENDED), ("in_force", _IN_FORCE)):
        if pattern.search(conclusion):
            return verdict
    asks_back = _QUESTION.search(conclusion) or (response.missing_facts and not response.citations)
    return "clarify" if asks_back else "answered"


def legacy_ask(response: Response) -> AskAnswer:
    """One ``AskAnswer`` for a response without ``asks`` (the assistant before issue 9).

    conclusion: the answer's first paragraph (up to the first blank line). Verdict, first rule
    that applies:

    1. ``refused``: ``not_published`` when the conclusion says the figure is not published
       (未见公开 / not published), else ``refused``;
    2. intent ``eligibility`` with a ``check_eligibility`` result: that result's status (the
       program named in the conclusion, else the first);
    3. intent ``compliance`` with a ``check_compliance`` result: ``risk`` when a finding has
       severity high, medium or low, else ``no_risk``;
    4. an amount from ``calculate_voucher`` or from ``compare_programs`` rows: ``amount`` (every
       such amount becomes one of the ask's ``amounts``), or ``not_eligible`` when every one of
       those results says a condition fails (the answer is "not eligible, 0 yuan");
    5. any remaining ``check_eligibility`` / ``check_compliance`` result, as in 2 and 3;
    6. the conclusion's wording: not published, then ended (已于…结束 / has ended), in force
       (仍有效 / in force), a question back (请问 / 请提供 / ends with ？, or missing facts with
       nothing cited) = ``clarify``; otherwise ``answered``.
    """
    conclusion = first_paragraph(response.answer)
    amounts = _calc_amounts(response)
    verdict: str | None = None
    if response.refused:
        verdict = "not_published" if _NOT_PUBLISHED.search(conclusion) else "refused"
    elif response.intent == "eligibility":
        verdict = _eligibility_status(response, conclusion)
    elif response.intent == "compliance":
        verdict = _compliance_verdict(response)
    if verdict is None and amounts:
        verdict = "not_eligible" if _all_ineligible(response) else "amount"
    if verdict is None:
        verdict = _eligibility_status(response, conclusion) or _compliance_verdict(response)
    if verdict is None:
        verdict = _worded_verdict(response, conclusion)
    if verdict not in VERDICTS:  # a status the rules engine may add later
        verdict = "undetermined"
    markers = sorted({int(n) for n in re.findall(r"\[(\d{1,2})\]", conclusion)})
    return AskAnswer(
        text="",
        intent=response.intent,
        verdict=verdict,  # type: ignore[arg-type]
        conclusion=conclusion,
        amounts=amounts,  # every computed line, whatever the verdict: the answer did compute them
        programs=sorted({a.program for a in amounts}),
        citations=[n for n in markers if 1 <= n <= len(response.citations)],
    )


def response_asks(response: Response) -> tuple[list[AskAnswer], bool]:
    """The response's asks, or the legacy adapter's one ask; the flag says the adapter was used."""
    if response.asks:
        return list(response.asks), False
    return [legacy_ask(response)], True


# ---------------------------------------------------------------- checks


@dataclass
class Check:
    name: str  # asks | verdict | amount | facts | forbid | refused | gold_docs | warnings
    ok: bool
    reason: str = ""  # why it failed, in words
    ask: int | None = None  # 1-based expected ask, for per-ask checks

    def describe(self) -> str:
        return f"{'ask ' + str(self.ask) + ' ' if self.ask else ''}{self.name}: {self.reason}"


@dataclass
class CaseScore:
    id: str
    persona: str
    passed: bool
    checks: list[Check]
    legacy: bool = False

    @property
    def first_failure(self) -> Check | None:
        return next((c for c in self.checks if not c.ok), None)

    def tally(self, name: str) -> tuple[int, int]:
        items = [c for c in self.checks if c.name == name]
        return sum(c.ok for c in items), len(items)

    def as_json(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in ("id", "persona", "passed")}
        fail = self.first_failure
        out["legacy_adapter"], out["first_failure"] = self.legacy, fail.describe() if fail else None
        return out | {"checks": [c.__dict__ for c in self.checks]}


def forbid_checks(forbid: list[str], answer: str) -> list[Check]:
    found = [(p, find_phrase(p, answer)) for p in forbid]
    return [Check("forbid", f is None, "" if f is None else f"the answer contains {p!r} (as {f!r})") for p, f in found]


def gold_check(gold_docs: list[str], response: Response) -> Check:
    cited = sorted({c.doc_id for c in response.citations})
    ok = any(d in cited for d in gold_docs)
    return Check("gold_docs", ok, "" if ok else f"no gold document cited (gold {gold_docs}; cited {cited or 'none'})")


def warnings_check(response: Response, recheck: bool) -> Check:
    """Guardrail problems: the response's own ``warnings``, and with ``recheck`` the guardrail
    checker run again on the final answer (unsupported numbers, citations not retrieved, markers
    without a citation), so an assistant that forgets to report them still fails."""
    problems = list(response.warnings)
    if recheck:
        from assistant.guardrails import verify

        report = verify(response.answer, response.citations, response.tool_calls)
        problems += report.problems()
    return Check("warnings", not problems, "guardrail problems: " + "; ".join(problems) if problems else "")


_MARK = re.compile(r"\[\d{1,2}\]")
_SQUEEZE = re.compile(r"[\s*“”\"'「」]+")


def composed(conclusion: str, sources: list[str]) -> bool:
    """Whether a conclusion says something of its own: False when every sentence of it is a
    verbatim piece of a cited clause (a retrieved passage pasted as the answer). A conclusion
    is built from structured results; quoted clauses are evidence, not the conclusion."""
    texts = [_SQUEEZE.sub("", t) for t in sources if t]
    sentences = [s for s in re.split(r"(?<=[。！？!?；;])|(?<=\.)\s+", _MARK.sub("", conclusion)) if s.strip()]
    for sentence in sentences:
        body = _SQUEEZE.sub("", sentence).rstrip("。.；;")
        if len(body) >= 6 and not any(body in t for t in texts):
            return True
    return False


def _ask_checks(i: int, exp: ExpectedAsk, got: AskAnswer, sources: list[str] | None = None) -> list[Check]:
    ok = got.verdict in exp.verdict
    checks = [Check("verdict", ok, "" if ok else f"verdict {got.verdict!r}, expected {' or '.join(exp.verdict)}", i)]
    # the lines and their sum when the answer gives one ("以上合计225万"): both come from the calculator
    computed = [Decimal(a.amount) for a in got.amounts if a.amount is not None]
    if got.total is not None:
        computed.append(Decimal(got.total))
    for amount in exp.amounts:
        if amount not in computed:
            shown = ", ".join(yuan(c) for c in computed) or "none"
            checks.append(Check("amount", False, f"{yuan(amount)} yuan is not among the computed amounts ({shown})", i))
        elif not amount_stated(amount, got.conclusion):
            checks.append(
                Check("amount", False, f"{yuan(amount)} yuan was computed but the conclusion does not state it", i)
            )
        else:
            checks.append(Check("amount", True, "", i))
    own = composed(got.conclusion, sources or [])
    for group in exp.facts:
        hit = next((p for p in group if find_phrase(p, got.conclusion) is not None), None)
        reason = "" if hit else f"none of {' / '.join(group)} is in the conclusion"
        if hit and not own:
            hit, reason = None, "the conclusion only repeats the cited clauses"
        checks.append(Check("facts", hit is not None, reason, i))
    return checks


def score_case(case: UserCase, response: Response, *, recheck: bool = False) -> CaseScore:
    """Every check of ``evals/README-users.md`` that applies to ``case``, in the README's order."""
    asks, legacy = response_asks(response)
    ok = len(asks) >= len(case.asks)
    checks = [Check("asks", ok, "" if ok else f"expected {len(case.asks)} asks, the response has {len(asks)}")]
    for i, exp in enumerate(case.asks, 1):
        if i <= len(asks):
            checks += _ask_checks(i, exp, asks[i - 1], [c.text or c.quote for c in response.citations])
        else:  # an ask the response does not have fails each of its checks
            names = ["verdict"] + ["amount"] * len(exp.amounts) + ["facts"] * len(exp.facts)
            checks += [Check(n, False, "the response has no ask for it", i) for n in names]
    checks += forbid_checks(case.forbid, response.answer)
    if case.refused is not None:
        ok = response.refused == case.refused
        checks.append(Check("refused", ok, "" if ok else f"refused={response.refused}, expected {case.refused}"))
    if case.gold_docs:
        checks.append(gold_check(case.gold_docs, response))
    checks.append(warnings_check(response, recheck))
    return CaseScore(case.id, case.persona, all(c.ok for c in checks), checks, legacy)
