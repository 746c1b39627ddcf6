"""Conversations kept per browser in the records DB, and facts given by quick replies."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_conversations_are_kept_per_browser_and_deleted(tmp_path: Path):
    from assistant.records import Records
    from assistant.web import conversation as convs
    from assistant.web.conversation import Conversation

    records = Records(tmp_path / "records.sqlite3")
    conv = convs.save(records, "browser-a", Conversation(history=["北京算力券每年最多补多少？"], turn=1))
    assert conv.id
    assert convs.choices(records, "browser-a") == [("北京算力券每年最多补多少？", conv.id)]
    assert convs.choices(records, "browser-b") == []
    assert convs.load(records, "browser-b", conv.id) is None  # another browser cannot open it
    assert records.delete_conversation("browser-b", conv.id) is False
    again = convs.save(records, "browser-a", conv.model_copy(update={"facts": {"sme": True}, "turn": 2}))
    assert again.id == conv.id and len(records.conversations("browser-a")) == 1
    loaded = convs.load(records, "browser-a", conv.id)
    assert loaded is not None and loaded.facts == {"sme": True} and loaded.turn == 2
    assert records.delete_conversation("browser-a", conv.id) is True
    assert records.conversations("browser-a") == []
    # The audit tables and their contract are untouched.
    assert records.count("answers") == 0 and records.rows("feedback") == []


def test_reply_kinds_follow_the_fact_type():
    from assistant.web.conversation import reply_choices, reply_kind, typed_reply

    assert reply_kind("independent_legal_person") == "bool"
    assert reply_kind("industry") == "choice"
    assert ("软件和信息技术服务业", "software_it") in reply_choices("industry")
    assert reply_kind("contract_term_months") == "number"
    assert reply_kind("region") == "text"
    assert typed_reply("contract_term_months", "24") == "合同期限（月）：24"


@pytest.fixture(scope="module")
def assistant(real_index_settings):
    from assistant.assistant import Assistant

    return Assistant.load(real_index_settings, llm=None)


def test_a_fact_given_by_quick_reply_changes_the_answer(assistant):
    question = "北京的公司，算力合同300万，能补多少？"
    first = assistant.ask(question)
    assert "independent_legal_person" in [m["fact"] for m in first.missing_facts]
    no = assistant.ask("否", history=[question], facts={"independent_legal_person": False})
    assert no.asks[0].verdict == "not_eligible"
    chosen = assistant.ask("软件", history=[question], facts={"industry": "software_it", "nonsense": "x"})
    assert "industry" not in [m["fact"] for m in chosen.missing_facts]
    ignored = assistant.ask("是", history=[question], facts={"industry": "not-an-industry"})
    assert "industry" in [m["fact"] for m in ignored.missing_facts]  # an invalid value is left out


def test_answer_card_puts_the_conclusion_first_in_words(assistant):
    import re

    from assistant.web.cards import answer_card

    card = answer_card(assistant.ask("北京的公司，算力合同300万，能补多少？").as_json(), 1)
    text = re.sub(r"<[^>]+>", " ", card)
    assert text.index("600,000元") < text.index("已到期") < text.index("计算过程")
    assert 'href="#cv-cite-1-1"' in card  # [n] opens the citation of this turn
    other = answer_card(assistant.ask("北京和上海的公司各签了200万合同，分别能补多少？").as_json(), 1)
    for code in ("registered_in", "entity_type", "in_force", "annual_cap"):
        assert code not in re.sub(r"<[^>]+>", " ", other), code
