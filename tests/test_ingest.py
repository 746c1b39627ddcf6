"""Loaders and the legal-structure chunker, on the kinds of files admins really drop in."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.chunking import chunk_document
from assistant.ingest import IngestError, join_wrapped_cjk, load_corpus, load_file

ROOT = Path(__file__).resolve().parent.parent


def make_chinese_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A real PDF with Chinese text (reportlab's built-in CID font), one list of lines a page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        c.setFont("STSong-Light", 12)
        y = 800
        for line in lines:
            c.drawString(60, y, line)
            y -= 20
        c.showPage()
    c.save()
    return path


def test_markdown_front_matter_becomes_metadata(fixture_corpus):
    doc = load_file(fixture_corpus / "demo-policy.md")
    assert doc.meta.id == "demo-policy"
    assert doc.meta.title == "示范市算力券试行办法"
    assert doc.meta.region == "demo"
    assert doc.meta.status == "expired"
    assert str(doc.meta.effective_to) == "2025-01-31"
    assert not doc.text.lstrip().startswith("---")


def test_plain_text_with_sidecar_metadata(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text("第一条 算力券按合同额的15%支持。\n第二条 每家企业每年最高50万元。\n", encoding="utf-8")
    (tmp_path / "notice.txt.meta.yaml").write_text(
        "id: txt-notice\ntitle: 某市算力券通知\nregion: somecity\nstatus: in_force\n", encoding="utf-8"
    )
    doc = load_file(path)
    assert doc.meta.id == "txt-notice" and doc.meta.region == "somecity"
    chunks = chunk_document(doc)
    assert [c.locator for c in chunks] == ["第一条", "第二条"]


def test_gb18030_text_is_decoded(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("第一条 本办法适用于本市企业。".encode("gb18030"))
    assert "本办法适用于本市企业" in load_file(path).text


def test_chunker_follows_articles_and_keeps_labels_with_text(fixture_corpus):
    chunks = chunk_document(load_file(fixture_corpus / "demo-policy.md"))
    by_locator = {c.locator: c for c in chunks}
    assert {"第一条", "第二条", "第三条", "第四条", "English summary"} <= set(by_locator)
    # A clause number never stands apart from its text.
    assert by_locator["第四条"].text.startswith("第四条")
    assert "150万元" in by_locator["第四条"].text
    # Items of an article stay inside the article.
    assert "制造业企业" in by_locator["第二条"].text
    # Chapter headings are context, not chunks of their own.
    assert "第一章" not in by_locator
    assert by_locator["第三条"].heading_path[0].startswith("第二章")


def test_chunker_on_section_numbered_text(fixture_corpus):
    chunks = chunk_document(load_file(fixture_corpus / "demo-notice.md"))
    locators = [c.locator for c in chunks]
    assert "一、（一）" in locators and "一、（二）" in locators and "二、" in locators
    item = next(c for c in chunks if c.locator == "一、（二）")
    assert item.heading_path[0] == "一、支持内容"


def test_chunker_on_the_real_corpus_keeps_every_clause_label():
    """Every clause label written in a corpus document becomes a chunk locator."""
    import re

    docs = load_corpus(ROOT / "corpus").documents
    assert docs, "the corpus is empty"
    for doc in docs:
        locators = {c.locator for c in chunk_document(doc)}
        labels = set(re.findall(r"^(?:#+\s*)?(第[一二三四五六七八九十百零]+条)", doc.text, re.MULTILINE))
        missing = labels - locators
        assert not missing, f"{doc.meta.id}: clauses without a chunk: {sorted(missing)}"


def test_long_clause_is_split_but_keeps_its_locator(tmp_path):
    path = tmp_path / "long.md"
    body = "第一条 " + "企业应当如实申报算力合同。" * 120
    path.write_text(f"---\nid: long\ntitle: 长条款\n---\n{body}\n", encoding="utf-8")
    chunks = chunk_document(load_file(path), max_chars=300)
    assert len(chunks) > 1
    assert all(c.locator == "第一条" for c in chunks)
    assert all(len(c.text) <= 300 for c in chunks)
    assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_join_wrapped_lines_inside_chinese_words():
    assert join_wrapped_cjk("算力\n券按合同额") == "算力券按合同额"
    assert join_wrapped_cjk("English\nwords") == "English\nwords"


def test_generated_chinese_pdf_round_trip_with_pages(tmp_path):
    pdf = make_chinese_pdf(
        tmp_path / "policy.pdf",
        [
            ["某市算力券管理办法", "第一条 为降低算力成本制定本办法。"],
            ["第二条 算力券按合同金额的35%给予支持。", "第三条 每家企业每年最高300万元。"],
        ],
    )
    (tmp_path / "policy.pdf.meta.yaml").write_text(
        "id: pdf-policy\ntitle: 某市算力券管理办法\nregion: pdfcity\n", encoding="utf-8"
    )
    doc = load_file(pdf)
    assert doc.meta.id == "pdf-policy"
    assert len(doc.pages) == 2
    chunks = {c.locator: c for c in chunk_document(doc)}
    assert "p.2 第二条" in chunks, sorted(chunks)
    assert "35%" in chunks["p.2 第二条"].text
    assert chunks["p.2 第三条"].page == 2


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("corrupt.pdf", b"%PDF-1.4\n this is not really a pdf \x00\x01", "PDF"),
        ("empty.md", b"", "empty"),
        ("junk.txt", bytes(range(256)) * 4, "binary"),
        ("broken.md", "---\ntitle: [unclosed\n---\n第一条 内容".encode(), "front matter"),
        ("unclosed.md", "---\ntitle: x\n第一条 内容".encode(), "never closed"),
        ("table.xlsx", b"PK\x03\x04", "unsupported"),
    ],
)
def test_bad_files_give_one_clear_error_naming_the_file(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError) as info:
        load_file(path)
    assert info.value.path.endswith(name)
    assert reason.lower() in info.value.reason.lower()


def test_encrypted_pdf_is_reported(tmp_path):
    from pypdf import PdfReader, PdfWriter

    plain = make_chinese_pdf(tmp_path / "plain.pdf", [["第一条 加密测试。"]])
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt("secret")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(IngestError, match="encrypted"):
        load_file(locked)


def test_oversized_file_is_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("第一条 " + "算" * 5000, encoding="utf-8")
    with pytest.raises(IngestError, match="limit"):
        load_file(path, max_bytes=1000)


def test_garbled_pdf_text_is_reported_not_indexed(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "garbled.pdf"
    c = canvas.Canvas(str(path))
    c.drawString(60, 800, "\ue000\ue001\ue002\ue003\ue004\ue005 \ue006\ue007")
    c.save()
    with pytest.raises(IngestError):
        load_file(path)


def test_batch_with_a_corrupt_pdf_still_loads_the_rest(fixture_corpus):
    (fixture_corpus / "broken.pdf").write_bytes(b"%PDF-1.7 garbage garbage")
    report = load_corpus(fixture_corpus)
    assert {d.meta.id for d in report.documents} == {"demo-policy", "demo-notice"}
    assert len(report.errors) == 1 and report.errors[0].path.endswith("broken.pdf")


def _amplification_pdf(path, pages: int = 1500):
    """A small PDF whose pages all reuse one heavy page: it extracts to millions of characters."""
    import io

    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica", 4)
    for i in range(400):
        c.drawString(10, 10 + (i % 200) * 4, "compute voucher amplification " * 6)
    c.save()
    page = PdfReader(io.BytesIO(buf.getvalue())).pages[0]
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_page(page)
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def test_an_amplification_pdf_is_stopped_at_the_character_limit_with_the_file_named(tmp_path):
    from assistant.ingest import IngestError, PdfLimits, load_file

    pdf = _amplification_pdf(tmp_path / "bomb.pdf")
    assert pdf.stat().st_size < 1_000_000  # small on disk
    with pytest.raises(IngestError) as err:
        load_file(pdf, pdf_limits=PdfLimits(max_pages=5000, max_chars=1_000_000, timeout_s=60))
    assert "bomb.pdf" in str(err.value) and "1,000,000-character limit" in str(err.value)


def test_the_contract_upload_limits_refuse_a_long_pdf_by_its_page_count(tmp_path):
    from assistant.ingest import CONTRACT_PDF_LIMITS, IngestError, load_file

    pdf = _amplification_pdf(tmp_path / "contract.pdf", pages=150)
    with pytest.raises(IngestError) as err:
        load_file(pdf, pdf_limits=CONTRACT_PDF_LIMITS)
    assert "contract.pdf" in str(err.value) and "150 pages" in str(err.value) and "100-page limit" in str(err.value)


def test_extraction_past_the_time_limit_is_killed_and_reported(tmp_path):
    from assistant.ingest import IngestError, PdfLimits, load_file

    pdf = _amplification_pdf(tmp_path / "slow.pdf", pages=800)
    with pytest.raises(IngestError) as err:
        load_file(pdf, pdf_limits=PdfLimits(max_pages=5000, max_chars=10**9, timeout_s=0.2))
    assert "slow.pdf" in str(err.value) and "0.2-second limit" in str(err.value)


def test_a_batch_with_a_hostile_pdf_indexes_the_rest(tmp_path):
    from assistant.ingest import load_corpus

    _amplification_pdf(tmp_path / "bomb.pdf", pages=3000)
    (tmp_path / "ok.md").write_text("---\nid: ok\ntitle: 正常文件\n---\n\n第一条 正常内容。\n", encoding="utf-8")
    report = load_corpus(tmp_path)
    assert [d.meta.id for d in report.documents] == ["ok"]
    assert len(report.errors) == 1 and "bomb.pdf" in str(report.errors[0])


def test_remote_images_and_embedded_html_never_reach_a_title_or_a_quote(tmp_path):
    from assistant.ingest import load_file

    f = tmp_path / "x.md"
    f.write_text(
        "---\nid: x\ntitle: 北京说明![t](http://evil.example/a.png)<img src=http://evil.example/b.png>\n---\n\n"
        "第一条 内容![p](https://evil.example/c.png)在此。<iframe src='http://evil.example'></iframe>\n",
        encoding="utf-8",
    )
    doc = load_file(f)
    assert "evil.example" not in doc.meta.title and doc.meta.title == "北京说明"
    assert "evil.example" not in doc.text and "内容在此" in doc.text


def test_uploads_under_names_the_indexer_skips_are_refused(tmp_path):
    from assistant.settings import Settings
    from assistant.web.library import add_document
    from assistant.web.security import UploadRejected

    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    f = tmp_path / "doc.md"
    f.write_text("# 标题\n\n第一条 内容。\n", encoding="utf-8")
    for name in ("README.md", "_draft.md", "readme.MD"):  # (".x.md" is renamed x.md, which is indexed)
        with pytest.raises(UploadRejected, match="never be indexed"):
            add_document(settings, f, name)
    assert not (tmp_path / "corpus").exists() or not any((tmp_path / "corpus").rglob("*.md"))


def test_extraction_past_the_memory_limit_is_refused_with_the_file_named(tmp_path):
    """A small file that extracts to more text than the memory budget allows: the child's
    allocation fails and the file is refused, while this process carries on."""
    from assistant.ingest import IngestError, PdfLimits, load_file

    pdf = _amplification_pdf(tmp_path / "hungry.pdf", pages=800)
    with pytest.raises(IngestError) as err:
        load_file(pdf, pdf_limits=PdfLimits(max_pages=5000, max_chars=10**9, timeout_s=120, max_extra_mb=16))
    assert "hungry.pdf" in str(err.value) and "16 MB memory limit" in str(err.value)
    small = make_chinese_pdf(tmp_path / "small.pdf", [["某市算力券管理办法", "第一条 为降低算力成本制定本办法。"]])
    assert "第一条" in load_file(small, pdf_limits=PdfLimits(max_extra_mb=16)).text
