"""CLI subcommands for the rules engine: calc, programs, eligibility, compare (``check``, built
on the compliance layer, registers itself from ``assistant/compliance_cli.py``).

``register(subparsers)`` adds them to ``python -m assistant``; each handler calls the library
API and prints readable text, or JSON with ``--json``. Bad input exits with status 2 and a
message naming the field.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from assistant.rules.errors import RulesInputError


def _json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def _ref(ref: Any) -> str:
    if ref is None:
        return ""
    if isinstance(ref, dict):
        return f"{ref['doc']} {ref['clause']}"
    return f"{ref.doc} {ref.clause}"


def _parse_set(pairs: list[str] | None, known: Iterable[str] | None = None) -> dict[str, Any]:
    """``--set key=value`` pairs; with ``known``, a key outside it is an error naming the known
    ones (a misspelt fact silently ignored gave a figure that looked right and was not)."""
    facts: dict[str, Any] = {}
    names = set(known) if known is not None else None
    for pair in pairs or []:
        if "=" not in pair:
            raise RulesInputError("--set", f"expected key=value, got {pair!r}")
        key, value = pair.split("=", 1)
        key = key.strip()
        if not key:
            raise RulesInputError("--set", f"empty key in {pair!r}")
        if names is not None and key not in names:
            raise RulesInputError("--set", f"unknown fact {key!r}; known facts: {', '.join(sorted(names))}")
        facts[key] = value.strip()
    return facts


def _rule_facts() -> list[str]:
    from assistant.rules.facts import FACTS

    return list(FACTS)


def _read_yaml(path: str, field: str) -> dict[str, Any]:
    p = Path(path)
    if not p.exists():
        raise RulesInputError(field, f"file not found: {path}")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RulesInputError(field, f"not valid YAML: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RulesInputError(field, "the file must hold a mapping of fact: value")
    return data


def _guard(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except RulesInputError as exc:
            if getattr(args, "json", False):
                _json(exc.as_json())
            print(f"error: {exc}", file=sys.stderr)
            return 2

    run.__name__ = handler.__name__
    return run


# ---------------------------------------------------------------- calc


def cmd_calc(args: argparse.Namespace) -> int:
    from assistant.rules import calculate

    compute_type = "domestic" if args.domestic else "non_domestic" if args.non_domestic else None
    calc = calculate(
        args.program,
        amount=args.amount,
        on=args.date,
        compute_type=compute_type,
        claimed_this_year=args.claimed or "0",
        facts=_parse_set(args.set, _rule_facts()),
        start=args.start,
        end=args.end,
        voucher=args.voucher,
        scheme=args.scheme,
    )
    data = calc.as_json()
    if args.json:
        _json(data)
        return 0
    print(
        f"{data['program_name']}  ({data['program']}, {data['voucher']}/{data['scheme']}, version {data['version']}, "
        f"{data['version_status']}, {data['confidence']})"
    )
    if data["amount"] is None:
        print("金额 Amount: 无法计算 / not computable")
    else:
        capped = f"   受限于 capped by: {data['capped_by']}" if data["capped_by"] else ""
        print(f"金额 Amount: {data['amount']} 元 ({data['amount_wan']}万元){capped}")
    if data["eligible"] is False:
        print("不符合条件 Not eligible:")
        for r in data["reasons"]:
            if r["status"] == "failed":
                print(f"  - {r['reason_zh']} / {r['reason_en']}  [{_ref(r['reference'])}]")
    print("计算步骤 Steps:")
    for i, s in enumerate(data["steps"], 1):
        ref = f"  [{_ref(s['reference'])}]" if s["reference"] else ""
        print(f"  {i}. {s['label_zh']} / {s['label']}: {s['value']}{ref}")
    if data["warnings"]:
        print("提示 Warnings:")
        for zh, en in zip(data["warnings_zh"], data["warnings"]):
            print(f"  - {zh}\n    {en}")
    print(f"取整 Rounding: {data['rounding']}")
    return 0


# ---------------------------------------------------------------- programs


def cmd_programs(args: argparse.Namespace) -> int:
    from assistant.rules import list_schemes

    rows = list_schemes(region=args.region, voucher=args.voucher)
    if args.json:
        _json([r.as_json() for r in rows])
        return 0
    print(f"{len(rows)} schemes (program/scheme, voucher, region, status, in force, confidence, computable)")
    for r in rows:
        span = f"{r.in_force_from or '日期未公开 undated'} – {r.in_force_to or 'open'}"
        print(
            f"{r.program}/{r.scheme:<16} {r.voucher_label_zh}({r.voucher})  {r.region_name}  {r.status}  {span}  "
            f"{r.confidence}  {r.computable}"
        )
        print(f"    {r.name} / {r.name_en}")
    return 0


# ---------------------------------------------------------------- eligibility


def cmd_eligibility(args: argparse.Namespace) -> int:
    from assistant.rules import check_eligibility

    profile = _read_yaml(args.profile, "--profile")
    profile.update(_parse_set(args.set, _rule_facts()))
    results = check_eligibility(profile, program_id=args.program, voucher=args.voucher)
    if args.json:
        _json([e.as_json() for e in results])
        return 0
    labels = {"eligible": "符合 eligible", "not_eligible": "不符合 not eligible", "undetermined": "待定 undetermined"}
    for e in results:
        print(f"{e.program_name}  ({e.program}, version {e.version}): {labels[e.status]}")
        for r in e.reasons:
            if r.status == "missing":
                continue
            print(f"  - {r.reason_zh}  [{r.reference.doc} {r.reference.clause}]")
        for m in e.missing:
            print(f"  ? {m.question_zh} / {m.question_en}  ({m.fact}; {m.reference.doc} {m.reference.clause})")
        for w in e.warnings:
            print(f"  ! {w.zh}")
        print()
    return 0


# ---------------------------------------------------------------- compare


def cmd_compare(args: argparse.Namespace) -> int:
    from assistant.rules import compare

    profile = _read_yaml(args.profile, "--profile")
    profile.update(_parse_set(args.set, _rule_facts()))
    result = compare(profile, amount=args.amount, on=args.date, voucher=args.voucher)
    if args.json:
        _json(result.as_json())
        return 0
    print(f"比较 Comparison on {result.date.isoformat()}, base {result.as_json()['base']} 元")
    for row in result.rows:
        j = row.as_json()
        amount = f"{j['amount']} 元 ({j['amount_wan']}万元)" if j["amount"] is not None else "—"
        capped = f" capped by {j['capped_by']}" if j["capped_by"] else ""
        print(f"{j['rank']:>2}. {j['program_name']} ({j['program']}): {j['status']}  {amount}{capped}")
        if j["reason_zh"]:
            print(f"    {j['reason_zh']}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add calc, programs, eligibility and compare to the ``python -m assistant`` parser."""
    p = sub.add_parser("calc", help="compute a voucher amount (exact, with cited steps)")
    p.add_argument("--program", required=True, help="program id, e.g. beijing-municipal")
    p.add_argument(
        "--voucher",
        help="voucher type: compute (default), model, corpus, data, labelling, provider, award (or 模型券, 语料券...)",
    )
    p.add_argument("--scheme", help="scheme id within the program, when it has two of one voucher type")
    p.add_argument("--amount", required=True, help="base amount in yuan (contract, settlement or rent)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--domestic", action="store_true", help="domestic (国产) compute")
    g.add_argument("--non-domestic", dest="non_domestic", action="store_true", help="other compute")
    p.add_argument("--claimed", help="amount already received this calendar year (yuan)")
    p.add_argument("--date", help="date the rules are taken at, YYYY-MM-DD (default today)")
    p.add_argument("--start", help="contract start date, for programs that pro-rate (Nanning)")
    p.add_argument("--end", help="contract end date, for programs that pro-rate (Nanning)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="a fact, e.g. startup=true or rate=0.3")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_guard(cmd_calc))

    p = sub.add_parser("programs", help="every voucher scheme: program, voucher type, region, status, dates")
    p.add_argument("--region", help="only this region code, e.g. shanghai")
    p.add_argument("--voucher", help="only this voucher type: compute, model, corpus, data, labelling, provider, award")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_guard(cmd_programs))

    p = sub.add_parser("eligibility", help="check a profile against program conditions")
    p.add_argument("--profile", required=True, help="YAML file of facts (registered_in, industry, ...)")
    p.add_argument("--program", help="one program id (default: all)")
    p.add_argument("--voucher", help="voucher type (model, corpus, ...; default compute)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_guard(cmd_eligibility))

    p = sub.add_parser("compare", help="every program's eligibility and amount for a profile, ranked")
    p.add_argument("--profile", required=True, help="YAML file of facts, with amount (yuan)")
    p.add_argument("--amount", help="base amount in yuan (overrides the profile's amount)")
    p.add_argument("--voucher", help="compare every scheme of this voucher type (default compute)")
    p.add_argument("--date", help="date the rules are taken at, YYYY-MM-DD")
    p.add_argument("--set", action="append", metavar="KEY=VALUE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_guard(cmd_compare))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.rules")
    register(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)
