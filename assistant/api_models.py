"""Request and response models of the REST API (``assistant.api``), kept apart from the routes
so the OpenAPI schema and the limits can be read in one place.

Text is cleaned and bounded here with the web app's own limits and bilingual messages, so a
request the UI would refuse is refused by the API too (422 naming the field). Responses of the
rules endpoints name their main fields and allow the rest (``extra="allow"``): the calculator's
``as_json`` is their one source, and a field added there reaches API callers without a copy here.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from assistant.web.security import MAX_ENQUIRY_CHARS, clean_text, enquiry_text, history_texts, question_text

MAX_FACTS = 100  # far more than any form has; a bound so a request cannot carry unbounded work
MAX_FACT_CHARS = 200


def _facts(value: dict[str, Any]) -> dict[str, Any]:
    if len(value) > MAX_FACTS:
        raise ValueError(f"事实过多（最多 {MAX_FACTS} 项） / Too many facts (max {MAX_FACTS}).")
    for k, v in value.items():
        if len(k) > 64 or (isinstance(v, str) and len(v) > MAX_FACT_CHARS):
            raise ValueError(f"事实 {k[:64]!r} 过长 / fact {k[:64]!r} is too long (max {MAX_FACT_CHARS} characters).")
    return {clean_text(k): clean_text(v) if isinstance(v, str) else v for k, v in value.items()}


Question = Annotated[
    str, AfterValidator(question_text), Field(description="the user's message", json_schema_extra={"maxLength": 4000})
]
History = Annotated[
    list[str],
    AfterValidator(history_texts),
    Field(description="earlier user messages of the conversation, oldest first (the last 20 are used)"),
]
Session = Annotated[
    str | None,
    Field(None, max_length=64, description="the caller's id for the conversation, stored with the audit record only"),
]
Scalar = str | int | float | bool
Facts = Annotated[dict[str, Scalar], AfterValidator(_facts)]
Short = Annotated[str | None, Field(None, max_length=64)]


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: Question
    history: History = []
    facts: Annotated[
        dict[str, bool | str],
        AfterValidator(_facts),
        Field(description="facts the user gave in a form: fact name -> yes/no (bool) or a choice code"),
    ] = {}
    session: Session = None


class DraftRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enquiry: Annotated[str, AfterValidator(enquiry_text), Field(json_schema_extra={"maxLength": MAX_ENQUIRY_CHARS})]
    session: Session = None


class CitationOut(BaseModel):
    doc_id: str
    title: str
    locator: str
    quote: str
    text_kind: str
    numbering: str


class ToolCallOut(BaseModel):
    name: str
    input: dict[str, Any]
    output: Any


class AnswerOut(BaseModel):
    """What ``ask --json`` / ``draft --json`` print, plus the audit record's id."""

    answer: str
    citations: list[CitationOut]
    tool_calls: list[ToolCallOut]
    refused: bool
    language: str
    intent: str
    missing_facts: list[dict[str, str]]
    warnings: list[str]
    latency_ms: float
    record_id: int | None = Field(None, description="the audit record of this answer (None if it could not be written)")


class CalcRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    program: str = Field(max_length=64, description="program id, e.g. beijing-municipal (see GET /programs)")
    amount: Annotated[str, Field(max_length=64)] | int = Field(
        description='base in yuan: contract, settlement or rent ("5000000", 5000000 or "500万")'
    )
    date: Short = Field(None, description="date the rules are taken at, YYYY-MM-DD (default today)")
    compute_type: Literal["domestic", "non_domestic"] | None = None
    claimed_this_year: Annotated[str, Field(max_length=64)] | int = Field(
        "0", description="amount already received this calendar year (yuan)"
    )
    facts: Facts = Field(default_factory=dict, description="eligibility facts and program inputs, e.g. startup: true")
    start: Short = Field(None, description="contract start date, for programs that pro-rate")
    end: Short = Field(None, description="contract end date, for programs that pro-rate")
    voucher: Short = Field(None, description="voucher type: compute (default), model, corpus, data, labelling, ...")
    scheme: Short = Field(None, description="scheme id, when a program has two of one voucher type")


class CalcResult(BaseModel):
    """The calculator's result (``calc --json``); the fields named here and every other it gives."""

    model_config = ConfigDict(extra="allow")

    program: str
    program_name: str
    amount: str | None = Field(description="yuan with 2 decimals; null when it cannot be computed")
    eligible: bool | None = None
    steps: list[dict[str, Any]] = []
    warnings: list[str] = []


class CheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    facts: Facts = Field(description="facts of the use, contract or measure (voucher_action, kickback, ...)")
    program: Short = Field(None, description="program id the use falls under")


class CheckResult(BaseModel):
    findings: list[dict[str, Any]]
    checks: list[dict[str, str]] = Field(description="what the checks look at, one line per finding id")


class SchemeOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    program: str
    scheme: str
    voucher: str
    region: str


class Health(BaseModel):
    status: Literal["ok"]
