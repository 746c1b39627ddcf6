"""Load program YAML files into ``Program`` objects, converting values to exact types.

Values: ``unit: ratio`` and ``unit: yuan`` become ``Decimal`` (through ``str``, never a
float's binary value), ``unit: date`` a ``datetime.date``, ``months`` / ``days`` an int.
``value: null`` with ``status: unpublished`` marks a number no public text gives.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from assistant.rules.errors import ProgramDefinitionError, UnknownProgramError
from assistant.rules.model import ROLES, InputField, Program, Scheme

PROGRAMS_DIR = Path(__file__).resolve().parent / "programs"

COMMON_INPUTS = [
    InputField(
        name="amount",
        type="money",
        label_zh="金额（元）",
        label_en="Amount (yuan)",
        required=True,
        help_zh="计算基数：合同额、结算额或租金，以元为单位（可写 150万）",
        help_en="The base: contract amount, settlement or rent, in yuan (150万 accepted)",
    ),
    InputField(
        name="date",
        type="date",
        label_zh="适用日期",
        label_en="Date the rules are taken at",
        help_zh="合同签订或结算日期；默认今天",
        help_en="Contract or settlement date; default today",
    ),
    InputField(
        name="claimed_this_year",
        type="money",
        label_zh="本年度已获金额（元）",
        label_en="Already received this year (yuan)",
        help_zh="同一企业本年度已申领/兑付的金额",
        help_en="Vouchers already claimed or redeemed this year",
    ),
]
COMPUTE_TYPE_INPUT = InputField(
    name="compute_type",
    type="choice",
    label_zh="算力类型",
    label_en="Compute type",
    choices=["domestic", "non_domestic"],
    help_zh="domestic = 国产算力；non_domestic = 其他算力",
    help_en="domestic = Chinese-made chips; non_domestic = other",
)


def _convert(value: Any, unit: str, where: str) -> Any:
    if value is None:
        return None
    if unit in ("ratio", "yuan"):
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            raise ProgramDefinitionError(f"{where}: {value!r} is not a number")
        return Decimal(str(value))
    if unit == "date":
        if isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(str(value))
    if unit in ("months", "days"):
        return int(value)
    raise ProgramDefinitionError(f"{where}: unknown unit {unit!r}")


def _prepare(raw: dict[str, Any], path: Path) -> dict[str, Any]:
    for scheme in raw.get("schemes") or []:
        scheme["id"] = str(scheme.get("id") or scheme.get("voucher"))
        _prepare(scheme, path)
    for v in raw.get("versions", []):
        # YAML reads 2023 or 2.0 as numbers; ids are strings.
        v["id"] = str(v.get("id"))
        v["alternatives"] = [str(a) for a in v.get("alternatives") or []]
        for name, p in (v.get("parameters") or {}).items():
            p.setdefault("name", name)
            p["value"] = _convert(p.get("value"), p.get("unit", ""), f"{path.name}: {v.get('id')}.{name}")
    return raw


def _validate(program: Program, path: Path) -> None:
    if program.id != path.stem:
        raise ProgramDefinitionError(f"{path.name}: id {program.id!r} does not match the file name")
    ids = [program.scheme] + [s.id for s in program.schemes]
    if len(set(ids)) != len(ids):
        raise ProgramDefinitionError(f"{path.name}: scheme ids duplicated: {ids}")
    _validate_versions(program, path.name)


def _validate_versions(program: Program, where: str) -> None:
    ids = [v.id for v in program.versions]
    if len(set(ids)) != len(ids) or not ids:
        raise ProgramDefinitionError(f"{where}: versions missing or duplicated")
    for v in program.versions:
        if v.effective_to and v.effective_to < v.effective_from:
            raise ProgramDefinitionError(f"{where}: {v.id} ends before it starts")
        for p in v.parameters.values():
            if p.reference is None and (p.known or p.status == "unpublished"):
                raise ProgramDefinitionError(f"{where}: {v.id}.{p.name} has no reference")
            if p.unit == "ratio" and p.value is not None and not (0 < p.value <= 1):
                raise ProgramDefinitionError(f"{where}: {v.id}.{p.name} ratio out of range")
        for t in v.tiers:
            for role, pname in t.use.items():
                if role not in ROLES or pname not in v.parameters:
                    raise ProgramDefinitionError(f"{where}: {v.id} tier {t.id} uses {role}->{pname}")
            for spec in t.when.values():
                if isinstance(spec, dict):
                    for pname in spec.values():
                        if isinstance(pname, str) and pname not in v.parameters and pname != "base":
                            raise ProgramDefinitionError(f"{where}: {v.id} tier {t.id} compares with {pname}")
        for c in program.conditions_for(v):
            if c.param and c.param not in v.parameters:
                raise ProgramDefinitionError(f"{where}: {v.id} condition {c.id} needs parameter {c.param}")
        for alt in v.alternatives:
            if alt not in ids or alt == v.id:
                raise ProgramDefinitionError(f"{where}: {v.id} alternative {alt!r} is not another version")
        if v.prorate:
            for key in ("period_start", "period_end"):
                if v.prorate.get(key) not in v.parameters:
                    raise ProgramDefinitionError(f"{where}: {v.id} prorate.{key} is not a parameter")


def load_program_file(path: Path) -> Program:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ProgramDefinitionError(f"{path.name}: not a mapping")
    try:
        program = Program.model_validate(_prepare(raw, path))
    except ValidationError as exc:
        raise ProgramDefinitionError(f"{path.name}: {exc}") from exc
    _validate(program, path)
    declared = {f.name for f in program.inputs}
    extra = [f for f in COMMON_INPUTS if f.name not in declared]
    uses_compute_type = any("compute_type" in t.when for v in program.versions for t in v.tiers)
    if uses_compute_type and "compute_type" not in declared:
        extra.append(COMPUTE_TYPE_INPUT)
    program.inputs = extra + list(program.inputs)
    for scheme in program.schemes:
        _validate_versions(scheme_program(program, scheme), f"{path.name} scheme {scheme.id}")
    return program


def scheme_program(program: Program, scheme: Scheme) -> Program:
    """A scheme as a ``Program`` of its own (same id and region, the scheme's voucher, versions
    and conditions), so the calculator and eligibility need no second code path."""
    inputs = [f for f in COMMON_INPUTS if f.name not in {i.name for i in scheme.inputs}] + list(scheme.inputs)
    return Program(
        id=program.id,
        name=scheme.name,
        name_en=scheme.name_en,
        region=program.region,
        region_name=program.region_name,
        corpus_doc=scheme.corpus_doc,
        base_basis=scheme.base_basis,
        base_includes=scheme.base_includes,
        base_label_zh=scheme.base_label_zh,
        base_label_en=scheme.base_label_en,
        summary_zh=scheme.summary_zh,
        summary_en=scheme.summary_en,
        rounding=scheme.rounding or program.rounding,
        inputs=inputs,
        conditions=scheme.conditions,
        conditions_published=scheme.conditions_published,
        open_to_outside_applicants=scheme.open_to_outside_applicants,
        versions=scheme.versions,
        voucher=scheme.voucher,
        scheme=scheme.id,
    )


@lru_cache(maxsize=4)
def _load_all(directory: str) -> dict[str, Program]:
    programs: dict[str, Program] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        program = load_program_file(path)
        programs[program.id] = program
    return programs


def load_programs(directory: Path | str | None = None) -> dict[str, Program]:
    """Every program, keyed by id. Cached; the returned dict is a fresh copy."""
    return dict(_load_all(str(directory or PROGRAMS_DIR)))


def get_program(program_id: str, directory: Path | str | None = None) -> Program:
    programs = load_programs(directory)
    key = (program_id or "").strip().lower() if isinstance(program_id, str) else program_id
    if key not in programs:
        raise UnknownProgramError(str(program_id), programs)
    return programs[key]
