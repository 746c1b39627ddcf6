"""The web app's API (`/ask` through gradio_client) and the app's guards (token, uploads, escaping,
rate limit). The app runs on 127.0.0.1 on a free port over a temporary copy of the corpus."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import web_support

gradio_client = pytest.importorskip("gradio_client")

QUESTION = "北京算力券每年最多补贴多少？"
ANSWER_KEYS = {"answer", "citations", "tool_calls", "refused", "language", "missing_facts", "warnings"}


@pytest.fixture(scope="module")
def web(real_index_settings, tmp_path_factory):
    return web_support.shared_server(real_index_settings, tmp_path_factory)


@pytest.fixture(scope="module")
def client(web):
    return gradio_client.Client(web.url, verbose=False)


def test_ask_endpoint_returns_the_cli_json(web, client):
    data = client.predict(QUESTION, api_name="/ask")
    assert isinstance(data, dict)
    assert ANSWER_KEYS <= set(data)
    assert "200万" in data["answer"]
    assert not data["refused"]
    assert any(c["doc_id"] == "beijing-municipal-2023" and "北京" in c["title"] for c in data["citations"])
    for c in data["citations"]:
        assert {"doc_id", "title", "locator", "quote", "status", "effective_from", "effective_to", "text"} <= set(c)
    # The same object `ask --json` prints (Response.as_json), apart from the timing.
    direct = web.ctx.assistant().ask(QUESTION).as_json()
    assert set(direct) == set(data)
    for key in direct:
        if key != "latency_ms":
            assert data[key] == direct[key], key


def test_ask_carries_history(client):
    data = client.predict("这次结算了50万元，能抵扣多少？", ["我们在北京经开区，用的是国产算力。"], api_name="/ask")
    assert not data["refused"]
    assert any(c["doc_id"].startswith("beijing-etown") for c in data["citations"])
    assert any(t["name"] == "calculate_voucher" for t in data["tool_calls"])


def test_every_api_answer_is_audited(web, client):
    from assistant.records import get_records

    question = "上海算力券的补贴比例是多少？"
    before = get_records(web.settings).count("answers")
    client.predict(question, api_name="/ask")
    rows = get_records(web.settings).rows("answers", limit=5)
    assert get_records(web.settings).count("answers") == before + 1
    row = [r for r in rows if r["question"] == question][-1]
    assert row["channel"] == "api" and row["answer"] and row["citations"] != "[]"
    assert row["corpus_version"] not in ("", "none") and row["rules_version"] not in ("", "none")


def test_empty_and_oversized_questions_get_clear_errors(client):
    with pytest.raises(Exception, match="问题为空|empty"):
        client.predict("   ", api_name="/ask")
    with pytest.raises(Exception, match="过长|too long"):
        client.predict("算" * 5000, api_name="/ask")


def test_api_page_documents_ask(client):
    api = client.view_api(print_info=False, return_format="dict")
    assert "/ask" in api["named_endpoints"]
    params = [p["parameter_name"] for p in api["named_endpoints"]["/ask"]["parameters"]]
    assert params == ["question", "history"]


def test_rate_limit_gives_a_clear_message(web, tmp_path_factory):
    """A second app over the same index with a limit of 3 requests a minute per client."""
    settings = web.settings.model_copy(update={"rate_limit_per_minute": 3})
    server = web_support.start_server(settings)
    try:
        c = gradio_client.Client(server.url, verbose=False)
        for _ in range(3):
            assert c.predict(QUESTION, api_name="/ask")["answer"]
        with pytest.raises(Exception, match="请求过于频繁|Too many requests"):
            c.predict(QUESTION, api_name="/ask")
        # A new session from the same client does not get a fresh budget: the limit is keyed on the
        # client's address, not on the session hash the client chooses.
        other = gradio_client.Client(server.url, verbose=False)
        with pytest.raises(Exception, match="请求过于频繁|Too many requests"):
            other.predict(QUESTION, api_name="/ask")
    finally:
        server.demo.close()


# ---------------------------------------------------------------- guards (no server needed)


def test_admin_token_check_is_constant_time_and_strict(monkeypatch):
    import hmac

    from assistant.web import security

    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(security.hmac, "compare_digest", lambda a, b: calls.append(1) or real(a, b))
    assert security.token_ok("s3cret", "s3cret")
    assert calls
    assert not security.token_ok("s3cre", "s3cret")
    assert not security.token_ok("", "s3cret")
    assert not security.token_ok(None, "s3cret")
    assert not security.token_ok("anything", None)  # no token configured: admin actions disabled
    assert not security.token_ok("", "")


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
        ("/abs/path/北京 政策.PDF", "北京-政策.pdf"),
        ("a\x00b\nc.md", "abc.md"),
        ("..", "upload"),
        (".hidden.md", "hidden.md"),
        ("rm -rf *;.txt", "rm-rf.txt"),
    ],
)
def test_filenames_are_sanitised(name, expected):
    from assistant.web.security import sanitize_filename

    got = sanitize_filename(name)
    assert got == expected
    assert "/" not in got and "\\" not in got and not got.startswith(".")


def test_uploads_are_checked_for_type_and_size(tmp_path: Path):
    from assistant.web.security import UPLOAD_SUFFIXES, UploadRejected, check_upload

    ok = tmp_path / "a.md"
    ok.write_text("# 标题\n第一条 内容", encoding="utf-8")
    assert check_upload(ok, UPLOAD_SUFFIXES, 1000)
    with pytest.raises(UploadRejected, match="过大|too large"):
        check_upload(ok, UPLOAD_SUFFIXES, 5)
    exe = tmp_path / "a.exe"
    exe.write_bytes(b"MZ")
    with pytest.raises(UploadRejected, match="不支持|unsupported"):
        check_upload(exe, UPLOAD_SUFFIXES, 1000)
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"<html>not a pdf</html>")
    with pytest.raises(UploadRejected, match="PDF"):
        check_upload(fake, UPLOAD_SUFFIXES, 1000)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(UploadRejected, match="空|empty"):
        check_upload(empty, UPLOAD_SUFFIXES, 1000)


def test_document_text_and_user_input_are_escaped():
    from assistant.web import render

    html = render.citations_html(
        [
            {
                "doc_id": 'x"><img src=x onerror=alert(1)>',
                "title": "<b>标题</b>",
                "locator": "第一条",
                "quote": "q",
                "status": "in_force",
                "text": "正文<script>alert('x')</script>",
            }
        ]
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "<b>" not in html
    assert render.md_text("<script>alert(1)</script> & 200万") == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 200万"


def test_rate_limiter_window():
    from assistant.web.security import RateLimiter

    limiter = RateLimiter(2, window_s=0.3)
    assert limiter.retry_after("a") == 0 and limiter.retry_after("a") == 0
    wait = limiter.retry_after("a")
    assert 0 < wait <= 0.3
    assert limiter.retry_after("b") == 0
    assert "每分钟最多 2 次" in limiter.message(wait)
    time.sleep(0.35)
    assert limiter.retry_after("a") == 0


def test_library_upload_rejects_bad_files_and_keeps_corpus(web, tmp_path: Path):
    from assistant.web import library
    from assistant.web.security import UploadRejected

    before = sorted(p.name for p in web.corpus_dir.rglob("*") if p.is_file())
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(UploadRejected):
        library.add_document(web.settings, junk, "junk.txt")
    bad_meta = tmp_path / "ok.md"
    bad_meta.write_text("第一条 内容", encoding="utf-8")
    with pytest.raises(UploadRejected, match="元数据|metadata"):
        library.add_document(web.settings, bad_meta, "ok.md", meta_yaml="evil: [")
    with pytest.raises(UploadRejected, match="已存在|already exists"):
        library.add_document(web.settings, bad_meta, "ok.md", meta={"id": "beijing-municipal-2023"})
    assert sorted(p.name for p in web.corpus_dir.rglob("*") if p.is_file()) == before


def test_helpdesk_exports(tmp_path: Path):
    import docx

    from assistant.web import exports

    cites = [{"title": "北京市人工智能算力券实施方案", "locator": "第八条", "quote": "合计最高200万元"}]
    path = exports.draft_docx(tmp_path / "d.docx", "您好：\n每年最高200万元。", cites, "北京最多补多少？")
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "每年最高200万元" in text and "第八条" in text and "北京最多补多少？" in text
    md = exports.draft_markdown("每年最高200万元。", cites)
    assert "第八条" in md and "200万元" in md


def test_batch_csv_reading(tmp_path: Path):
    from assistant.web import exports

    f = tmp_path / "q.csv"
    f.write_text("id,问题\n7,北京最多补多少？\n8,\n9,上海呢？\n", encoding="utf-8-sig")
    assert exports.read_enquiries(f) == [{"id": "7", "enquiry": "北京最多补多少？"}, {"id": "9", "enquiry": "上海呢？"}]
    g = tmp_path / "plain.csv"
    g.write_bytes("北京最多补多少？\n".encode("gb18030"))
    assert exports.read_enquiries(g) == [{"id": "1", "enquiry": "北京最多补多少？"}]
    h = tmp_path / "empty.csv"
    h.write_text("", encoding="utf-8")
    with pytest.raises(exports.BatchInputError):
        exports.read_enquiries(h)


def test_rate_limits_and_lockout_are_keyed_on_the_client_address():
    from types import SimpleNamespace

    from assistant.web.security import TokenGuard, client_key

    def req(host, fwd=None):
        return SimpleNamespace(client=SimpleNamespace(host=host), headers={"x-forwarded-for": fwd} if fwd else {})

    assert client_key(req("10.0.0.5")) == "10.0.0.5"
    # A forwarded address is believed only from a configured proxy.
    assert client_key(req("10.0.0.5", "1.2.3.4")) == "10.0.0.5"
    assert client_key(req("10.0.0.1", "9.9.9.9, 1.2.3.4"), ["10.0.0.1"]) == "1.2.3.4"
    guard = TokenGuard(max_failures=3, lockout_s=600)
    for _ in range(3):
        assert guard.locked_for("1.2.3.4") == 0
        guard.failed("1.2.3.4")
    assert guard.locked_for("1.2.3.4") > 500  # locked out, even with the right token next
    assert guard.locked_for("5.6.7.8") == 0  # another client is not
    assert "锁定" in guard.message(guard.locked_for("1.2.3.4"))


def test_draft_api_refuses_an_over_long_enquiry(client):
    from assistant.web.app import MAX_ENQUIRY_CHARS

    out = client.predict("我司在北京" * (MAX_ENQUIRY_CHARS // 5 + 10), api_name="/draft")
    text = out[0] if isinstance(out, (list, tuple)) else out
    assert "过长" in text and str(MAX_ENQUIRY_CHARS) in text


def test_an_upload_cannot_take_an_indexed_id_in_another_spelling_or_its_title():
    from assistant.web.library import _refuse_lookalike, normalise_id
    from assistant.web.security import UploadRejected

    manifest = {
        "beijing-municipal-2023": {
            "path": "beijing-municipal-2023.md",
            "title": "北京市人工智能算力券实施方案(2023—2025年)",
        },
        "mine": {"path": "uploads/mine.pdf", "title": "我的文件"},
    }
    for lookalike in ("Beijing-Municipal-2023", "beijing-municipal-2023 ", "beijing\u2010municipal\u20132023"):
        assert normalise_id(lookalike) == "beijing-municipal-2023"
        with pytest.raises(UploadRejected, match="look-alike|已存在"):
            _refuse_lookalike(lookalike, "另一个标题", "uploads/x.pdf", manifest)
    with pytest.raises(UploadRejected, match="title"):
        _refuse_lookalike("new-doc", "北京市人工智能算力券实施方案(2023—2025年)", "uploads/x.pdf", manifest)
    with pytest.raises(UploadRejected, match="file name is already used"):
        _refuse_lookalike("other-id", "别的", "uploads/mine.pdf", manifest)
    _refuse_lookalike("mine", "我的文件", "uploads/mine.pdf", manifest)  # re-uploading the same document is fine
    _refuse_lookalike("new-doc", "新的标题", "uploads/new.pdf", manifest)
