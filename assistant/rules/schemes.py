"""Every voucher a region issues: schemes, their lookup by voucher type, and the listing.

A program file's top level is its default scheme (the compute voucher for every existing
file); ``schemes:`` adds the other vouchers the same documents issue (模型券, 语料券, support
for compute providers, one-off awards). Users name vouchers in words (“上海的模型券”), so
``normalize_voucher`` reads the Chinese and English names, and ``get_scheme`` answers a
question about a model voucher with the model voucher, never with the compute voucher's rate.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from assistant.rules.errors import RulesInputError
from assistant.rules.loader import get_program, load_programs, scheme_program
from assistant.rules.model import VOUCHER_LABELS, VOUCHER_TYPES, Program

# Words users write for each voucher type (lower-cased English, Chinese as written).
VOUCHER_WORDS: dict[str, str] = {
    "compute": "compute",
    "算力券": "compute",
    "算力": "compute",
    "训力券": "compute",
    "算力服务券": "compute",
    "compute voucher": "compute",
    "training voucher": "compute",
    "model": "model",
    "模型券": "model",
    "model voucher": "model",
    "corpus": "corpus",
    "语料券": "corpus",
    "语料": "corpus",
    "corpus voucher": "corpus",
    "data": "data",
    "数据券": "data",
    "data voucher": "data",
    "labelling": "labelling",
    "labeling": "labelling",
    "标注券": "labelling",
    "数据标注券": "labelling",
    "labelling voucher": "labelling",
    "labeling voucher": "labelling",
    "provider": "provider",
    "供给方": "provider",
    "供给侧": "provider",
    "provider support": "provider",
    "award": "award",
    "奖励": "award",
    "一次性奖励": "award",
    "one-off award": "award",
    "city_district": "city_district",
    "补早补小": "city_district",
    "市区合计": "city_district",
    "city plus district": "city_district",
}


def normalize_voucher(value: Any) -> str:
    """The voucher type for a user's word (``模型券`` -> ``model``); raises naming ``voucher``."""
    key = str(value or "").strip().lower()
    if key in VOUCHER_WORDS:
        return VOUCHER_WORDS[key]
    raise RulesInputError("voucher", f"{value!r} is not a voucher type; use one of: {', '.join(VOUCHER_TYPES)}")


def program_schemes(program: Program) -> list[Program]:
    """The program's default scheme followed by its other schemes, each as a ``Program``."""
    return [program] + [scheme_program(program, s) for s in program.schemes]


def all_schemes() -> list[Program]:
    """Every scheme of every program, ordered by program id then file order."""
    return [s for pid, p in sorted(load_programs().items()) for s in program_schemes(p)]


def get_scheme(program_id: str, voucher: Any = None, scheme: Any = None) -> Program:
    """The scheme of ``program_id`` for ``voucher`` (default: the program's default scheme) or
    by ``scheme`` id. Raises ``RulesInputError`` (field ``voucher`` or ``scheme``) listing what
    the program does issue when it has no such scheme."""
    program = get_program(program_id)
    candidates = program_schemes(program)
    if scheme not in (None, ""):
        for s in candidates:
            if s.scheme == str(scheme).strip().lower():
                return s
        raise RulesInputError(
            "scheme", f"{program.id} has no scheme {scheme!r}; it has: {', '.join(s.scheme for s in candidates)}"
        )
    if voucher in (None, ""):
        return program
    kind = normalize_voucher(voucher)
    for s in candidates:
        if s.voucher == kind:
            return s
    offered = ", ".join(dict.fromkeys(s.voucher for s in candidates))
    label_zh, label_en = VOUCHER_LABELS[kind]
    raise RulesInputError(
        "voucher",
        f"{program.id} ({program.name}) issues no {label_en} ({label_zh}) in the texts we hold; it issues: {offered}",
    )


class SchemeVersionRow(BaseModel):
    id: str
    status: str
    confidence: str
    effective_from: str | None
    effective_to: str | None
    corpus_doc: str


class SchemeSummary(BaseModel):
    """One row of ``programs``: what a scheme is, where, its status and dates, whether an
    amount can be computed from published figures, and every rate and cap with its clause."""

    program: str
    scheme: str
    voucher: str
    voucher_label_zh: str
    voucher_label_en: str
    name: str
    name_en: str
    region: str
    region_name: str
    status: str  # of the latest version: official | reported | draft
    confidence: str
    in_force_from: str | None  # None: the text gives no date (an undated draft)
    in_force_to: str | None
    computable: Literal["computable", "declared"]  # declared: the text gives no rate or sum
    base_label_zh: str
    base_label_en: str
    parameters: list[dict[str, Any]]
    versions: list[SchemeVersionRow]

    def as_json(self) -> dict[str, Any]:
        return self.model_dump()


def _summary(s: Program) -> SchemeSummary:
    latest = max(s.versions, key=lambda v: v.effective_from)
    known = [p for p in latest.parameters.values() if p.name.startswith(("rate", "fixed_amount")) and p.known]
    zh, en = VOUCHER_LABELS[s.voucher]
    return SchemeSummary(
        program=s.id,
        scheme=s.scheme,
        voucher=s.voucher,
        voucher_label_zh=zh,
        voucher_label_en=en,
        name=s.name,
        name_en=s.name_en,
        region=s.region,
        region_name=s.region_name,
        status=latest.status,
        confidence=latest.confidence,
        in_force_from=latest.effective_from.isoformat() if latest.start_stated else None,
        in_force_to=latest.effective_to.isoformat() if latest.effective_to else None,
        computable="computable" if known else "declared",
        base_label_zh=s.base_label_zh,
        base_label_en=s.base_label_en,
        parameters=[
            {
                "name": p.name,
                "unit": p.unit,
                "value": str(p.value) if p.value is not None else None,
                "status": p.status,
                "upper_bound": p.upper_bound,
                "reference": p.reference.model_dump() if p.reference else None,
            }
            for p in latest.parameters.values()
            if p.unit in ("ratio", "yuan")
        ],
        versions=[
            SchemeVersionRow(
                id=v.id,
                status=v.status,
                confidence=v.confidence,
                effective_from=v.effective_from.isoformat() if v.start_stated else None,
                effective_to=v.effective_to.isoformat() if v.effective_to else None,
                corpus_doc=v.corpus_doc,
            )
            for v in s.versions
        ],
    )


def list_schemes(region: str | None = None, voucher: Any = None) -> list[SchemeSummary]:
    """Every scheme (optionally of one region or voucher type), for the ``programs`` command,
    the web app and the assistant."""
    kind = normalize_voucher(voucher) if voucher not in (None, "") else None
    return [
        _summary(s)
        for s in all_schemes()
        if (region is None or s.region == region) and (kind is None or s.voucher == kind)
    ]


__all__ = [
    "SchemeSummary",
    "all_schemes",
    "get_scheme",
    "list_schemes",
    "normalize_voucher",
    "program_schemes",
]
