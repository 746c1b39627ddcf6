"""The four rules subcommands, run as a user would: `python -m assistant ...`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def run_json(*args: str) -> dict:
    proc = run(*args, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_acceptance_beijing_annual_cap() -> None:
    data = run_json("calc", "--program", "beijing-municipal", "--amount", "15000000")
    assert data["amount"] == "2000000.00"
    assert data["amount_wan"] == "200"
    assert data["capped_by"] == "annual_cap"
    refs = [s["reference"] for s in data["steps"] if s["reference"]]
    assert {"doc": "beijing-municipal-2023", "clause": "第七条"} in refs
    assert {"doc": "beijing-municipal-2023", "clause": "第八条"} in refs


def test_acceptance_beijing_claimed() -> None:
    data = run_json("calc", "--program", "beijing-municipal", "--amount", "4000000", "--claimed", "1500000")
    assert data["amount"] == "500000.00"
    assert data["capped_by"] == "annual_cap"


def test_acceptance_etown_domestic_reported_version() -> None:
    data = run_json("calc", "--program", "beijing-etown", "--amount", "1000000", "--domestic", "--date", "2024-06-01")
    assert data["amount"] == "400000.00"
    official = [w for w in data["warnings"] if "2024-11" in w and "30%" in w and "official" in w]
    assert official, data["warnings"]


def test_acceptance_nanning_worked_example() -> None:
    data = run_json(
        "calc",
        "--program",
        "nanning",
        "--amount",
        "200000",
        "--start",
        "2025-01-01",
        "--end",
        "2026-12-31",
        "--date",
        "2025-06-01",
    )
    assert data["amount_wan"] == "2.5102"
    assert data["amount"] == "25102.00"


def test_set_facts() -> None:
    data = run_json(
        "calc", "--program", "shenzhen", "--amount", "1000000", "--date", "2025-06-01", "--set", "startup=true"
    )
    assert data["amount"] == "600000.00"


def test_a_misspelt_fact_is_an_error_not_ignored() -> None:
    """ "related_party=true" is not a fact the rules know (supplier_related is): silently dropping
    it gave a full amount for an affiliated supplier."""
    proc = run("calc", "--program", "beijing-municipal", "--amount", "1000000", "--set", "related_party=true")
    assert proc.returncode == 2
    assert "unknown fact 'related_party'" in proc.stderr and "supplier_related" in proc.stderr
    assert proc.stdout == ""


def test_text_output_cites_clauses() -> None:
    proc = run("calc", "--program", "beijing-municipal", "--amount", "15000000", "--date", "2025-06-01")
    assert proc.returncode == 0, proc.stderr
    assert "2000000.00" in proc.stdout and "200万元" in proc.stdout
    assert "beijing-municipal-2023 第八条" in proc.stdout


def test_guizhou_text_says_no_amount() -> None:
    proc = run("calc", "--program", "guizhou", "--amount", "1000000")
    assert proc.returncode == 0
    assert "无法计算" in proc.stdout and "does not invent" in proc.stdout


@pytest.mark.parametrize(
    "args,field",
    [
        (["--amount", "abc"], "amount"),
        (["--amount", "-5"], "amount"),
        (["--amount", "0"], "amount"),
        (["--amount", "2000000000000"], "amount"),
        (["--amount", "1000", "--date", "2025-13-01"], "date"),
        (["--amount", "1000", "--claimed", "x"], "claimed_this_year"),
        (["--amount", "1000", "--set", "novalue"], "--set"),
    ],
)
def test_bad_input_names_the_field(args: list[str], field: str) -> None:
    proc = run("calc", "--program", "beijing-municipal", *args)
    assert proc.returncode == 2
    assert f"error: {field}:" in proc.stderr


def test_unknown_program_lists_valid_ids() -> None:
    proc = run("calc", "--program", "atlantis", "--amount", "1000", "--json")
    assert proc.returncode == 2
    data = json.loads(proc.stdout)
    assert data["field"] == "program"
    assert "beijing-municipal" in data["valid_ids"] and "nanning" in data["valid_ids"]


def test_eligibility_and_compare(tmp_path: Path) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text(
        "registered_in: beijing\nindustry: software_it\nindependent_legal_person: true\n"
        "supplier_related: false\ncontract_signed: 2025-03-01\ncontract_term_months: 12\n"
        "line_items: [compute]\ndishonest_record: false\nother_municipal_subsidy: false\n"
        "contract_already_claimed: false\ndate: 2025-06-01\namount: 3000000\n"
        "sound_finance: true\nai_direction_in_plan: true\n",
        encoding="utf-8",
    )
    elig = run_json("eligibility", "--profile", str(profile), "--program", "beijing-municipal")
    assert elig[0]["status"] == "eligible"
    every = run_json("eligibility", "--profile", str(profile))
    assert len(every) >= 16
    nanning = next(e for e in every if e["program"] == "nanning")
    assert nanning["status"] == "not_eligible"
    comp = run_json("compare", "--profile", str(profile))
    rows = comp["rows"]
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    order = {"eligible": 0, "undetermined": 1, "not_eligible": 2}
    assert [order[r["status"]] for r in rows] == sorted(order[r["status"]] for r in rows)
    beijing = next(r for r in rows if r["program"] == "beijing-municipal")
    assert beijing["status"] == "eligible" and beijing["amount"] == "600000.00"
    text = run("compare", "--profile", str(profile))
    assert text.returncode == 0 and "beijing-municipal" in text.stdout


def test_check(tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_text("voucher_action: resale\nkickback: true\n", encoding="utf-8")
    data = run_json("check", "--facts", str(facts))
    ids = {f["id"] for f in data["findings"]}
    assert {"voucher_transfer", "collusion_kickback"} <= ids
    text = run("check", "--facts", str(facts))
    # the law by its title and its own article number; no internal document id
    assert "《中华人民共和国民法典（节选）》第一百五十四条" in text.stdout
    assert "civil-code-excerpts" not in text.stdout
    clean = tmp_path / "clean.yaml"
    clean.write_text("voucher_action: own_use\n", encoding="utf-8")
    assert run_json("check", "--facts", str(clean))["findings"] == []


def test_missing_profile_file() -> None:
    proc = run("eligibility", "--profile", "/nonexistent/profile.yaml")
    assert proc.returncode == 2 and "--profile" in proc.stderr


# ---------------------------------------------------------------- vouchers beside compute (issue 11)


def test_acceptance_shanghai_model_voucher() -> None:
    data = run_json("calc", "--program", "shanghai", "--voucher", "model", "--amount", "6000000")
    assert data["amount"] == "3000000.00"
    assert data["voucher"] == "model" and data["version"] == "2025"
    assert {"doc": "shanghai-2025", "clause": "第六条"} in data["references"]
    capped = run_json("calc", "--program", "shanghai", "--voucher", "model", "--amount", "20000000")
    assert capped["amount"] == "5000000.00" and capped["capped_by"]


def test_calc_without_voucher_is_still_the_compute_voucher() -> None:
    data = run_json("calc", "--program", "shanghai", "--amount", "1000000", "--date", "2026-01-10")
    assert data["voucher"] == "compute" and data["amount"] == "300000.00"


def test_calc_refuses_a_voucher_the_region_does_not_issue() -> None:
    proc = run("calc", "--program", "beijing-municipal", "--voucher", "corpus", "--amount", "100", "--json")
    assert proc.returncode == 2
    err = json.loads(proc.stdout)
    assert err["field"] == "voucher" and "issues: compute" in err["message"]


def test_programs_lists_every_scheme() -> None:
    rows = run_json("programs")
    assert len(rows) >= 30
    keys = {"program", "voucher", "region", "status", "in_force_from", "in_force_to", "confidence", "computable"}
    assert all(keys <= set(r) for r in rows)
    kinds = {(r["program"], r["voucher"]) for r in rows}
    for pair in [("shanghai", "model"), ("shanghai", "corpus"), ("shenzhen", "corpus"), ("zhangzhou", "labelling")]:
        assert pair in kinds, pair
    assert {r["status"] for r in rows if r["program"] == "beijing-shijingshan"} == {"draft"}
    for r in rows:
        for p in r["parameters"]:
            assert p["reference"] and p["reference"]["doc"] and p["reference"]["clause"], (r["program"], p)
    text = run("programs", "--voucher", "模型券")
    assert text.returncode == 0 and "shanghai/model" in text.stdout
