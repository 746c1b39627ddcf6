"""Compliance facts read by meaning (understand/risks.py): arrangements described in words the
patterns do not know are found, and ordinary questions are not read as arrangements: a false
fact tells a user they described a kickback or a sham contract they never mentioned."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from assistant.understand.case import ComplianceFacts
from assistant.understand.intent import IntentClassifier
from assistant.understand.risks import NONE, RiskReader, load_examples

ROOT = Path(__file__).resolve().parents[2]
# Questions of the other intents the classifier was never trained on (tests/understand/intent_cases.yaml).
ORDINARY = [
    q
    for intent, qs in yaml.safe_load((Path(__file__).parent / "intent_cases.yaml").read_text(encoding="utf-8")).items()
    if intent not in ("compliance",)
    for q in qs
]


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> RiskReader:
    from assistant.embeddings import get_embedder

    target = tmp_path_factory.mktemp("risk-cache")
    cache = ROOT / "index" / "embeddings-e5.sqlite3"
    if cache.exists():
        shutil.copy(cache, target / cache.name)
    return IntentClassifier.load(get_embedder("e5"), target).risk_reader()


def test_every_label_is_a_compliance_fact_with_examples() -> None:
    examples = load_examples()
    assert len(examples[NONE]) >= 30
    for label, texts in examples.items():
        assert texts, label
        if label != NONE:
            assert label.split("=")[0] in ComplianceFacts.model_fields


@pytest.mark.parametrize(
    ("text", "fact", "value"),
    [
        ("签完合同后那边会以服务费的名义每半年往我们账户退一笔", "kickback", True),
        ("渠道商让我们在合同上多写两百万，补贴下来再说", "contract_amount_inflated", True),
        ("合作伙伴项目急用，我们的算力券能不能先给他们用一段时间，之后归还", "voucher_action", "lending"),
        ("Can we let our partner firm borrow the vouchers until year end?", "voucher_action", "lending"),
        ("我们打算只把算力券发给在本区纳税满三年的企业", "local_registration_required", True),
    ],
)
def test_arrangements_in_other_words_are_read(reader: RiskReader, text: str, fact: str, value: object) -> None:
    assert reader.read(text).get(fact) == value


def test_issuer_facts_make_the_speaker_an_issuer(reader: RiskReader) -> None:
    found = reader.read("我们计划申报条件先不公开，名额只给挑好的三家企业")
    assert found.get("role") == "issuer"
    assert found.get("selective_subsidy") is True or found.get("criteria_public") is False


def test_ordinary_questions_are_not_read_as_arrangements(reader: RiskReader) -> None:
    read = {q: reader.read(q) for q in ORDINARY}
    accused = {q: f for q, f in read.items() if f}
    # a handful of borderline phrasings at most, among hundreds of questions
    assert len(accused) <= max(3, len(ORDINARY) // 50), accused


@pytest.mark.parametrize(
    "text",
    [
        "前海这边 我们主要做推理服务 租的卡不搞训练 深圳训力券能用吗",  # a use of the compute, not a sham contract
        "黄埔区某企业来函，请答复：1. 广州开发区、黄埔区支持人工智能产业的政策措施文号；2. 其中算力券的补贴比例。",
        "郑东新区 算力合同600万 河南省的券和郑州市的券两个都能拿吗",  # whether two levels stack
    ],
)
def test_questions_users_ask_are_not_read_as_arrangements(reader: RiskReader, text: str) -> None:
    assert reader.read(text) == {}
