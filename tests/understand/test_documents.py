"""A document named by its number or title tells what the question is about."""

from __future__ import annotations

from assistant.understand import understand
from assistant.understand.documents import DocRef, asked_documents, dated_documents, named_documents

DOCS = [
    DocRef(
        "etown", "beijing-etown", "北京经济技术开发区关于加快打造AI原生产业创新高地的若干政策", "京技管发〔2024〕29号"
    ),
    DocRef("sh-2023", "shanghai", "上海市推动人工智能大模型创新发展若干措施（2023—2025年）", issued_year=2023),
    DocRef("sh-2025", "shanghai", "上海市进一步扩大人工智能应用的若干措施", "沪经信智〔2025〕489号", issued_year=2025),
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


def test_a_document_is_found_by_the_year_it_was_issued_but_not_by_a_contract_year() -> None:
    found = dated_documents("上海2023年大模型措施里的租用补贴现在还能申请吗", DOCS, ["shanghai"])
    assert [d.doc_id for d in found] == ["sh-2023"]
    assert [d.doc_id for d in dated_documents("2025年7月出台的新政策", DOCS, ["shanghai"])] == ["sh-2025"]
    assert dated_documents("我们2025年签的合同，按上海的政策能补多少", DOCS, ["shanghai"]) == []
    assert dated_documents("上海2023年大模型措施", DOCS, ["wuhan"]) == [], "only the regions asked about"


def test_an_ask_pointing_back_is_about_the_document_the_message_names() -> None:
    message = "企业拿着2023年的《上海市推动人工智能大模型创新发展若干措施》来问。请答复该措施现在是否有效，以及后续政策的比例。"
    assert [d.doc_id for d in asked_documents("请答复该措施现在是否有效", message, DOCS, ["shanghai"])] == ["sh-2023"]
    assert asked_documents("以及后续政策的比例", message, DOCS, ["shanghai"]) == []


def test_the_year_of_a_named_document_is_not_the_date_asked_about() -> None:
    case = understand("上海2023年大模型措施现在还能申请吗", covered={"shanghai"}, documents=DOCS)
    assert case.asks[0].documents == ["sh-2023"] and case.asks[0].year is None
    dated = understand("上海的算力券2026年还能申请吗", covered={"shanghai"}, documents=DOCS)
    assert dated.asks[0].documents == [] and dated.asks[0].year == 2026
