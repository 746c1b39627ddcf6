"""A document named by its number or title tells what the question is about."""

from __future__ import annotations

from assistant.understand import understand
from assistant.understand.documents import DocRef, named_documents

DOCS = [
    DocRef(
        "etown", "beijing-etown", "北京经济技术开发区关于加快打造AI原生产业创新高地的若干政策", "京技管发〔2024〕29号"
    ),
    DocRef("sh-2023", "shanghai", "上海市推动人工智能大模型创新发展若干措施（2023—2025年）"),
    DocRef("wuhan", "wuhan", "武汉市促进人工智能产业发展若干政策措施", "武政规〔2025〕3号"),
]


def test_a_document_is_found_by_its_number_in_any_bracket_style() -> None:
    assert [d.doc_id for d in named_documents("京技管发[2024]29号还有效吗", DOCS)] == ["etown"]
    assert [d.doc_id for d in named_documents("依据是武政规（2025）3号吗", DOCS)] == ["wuhan"]
    assert named_documents("京技管发〔2024〕30号", DOCS) == []


def test_a_document_is_found_by_its_title_without_the_years_in_brackets() -> None:
    found = named_documents("企业拿着《上海市推动人工智能大模型创新发展若干措施》来问", DOCS)
    assert [d.doc_id for d in found] == ["sh-2023"]
    assert named_documents("《若干措施》", DOCS) == [], "too short to pick one document"


def test_the_document_settles_an_ambiguous_zone() -> None:
    question = "经开区政务服务：企业问京技管发〔2024〕29号今天是否仍然有效？"
    without = understand(question, covered={"beijing-etown", "shanghai", "wuhan"})
    assert without.regions == [] and any(c.fact == "place" for c in without.clarifications)
    case = understand(question, covered={"beijing-etown", "shanghai", "wuhan"}, documents=DOCS)
    assert case.regions == ["beijing-etown"]
    assert not case.clarifications
    assert case.asks[0].intent == "validity"
