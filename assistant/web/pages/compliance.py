"""The Compliance tab: a planned voucher use or contract (typed in, or read from an uploaded
contract by the same reader the chat uses) checked by ``compliance.check_compliance``.

The form's fields, their types, groups, labels and choices come from the library's public
``compliance.facts_catalogue()``: a fact added there appears here with its own words.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.web import render
from assistant.web.context import MAX_ENQUIRY_CHARS, WebContext, bool_choice, bool_value
from assistant.web.labels import input_error, labels
from assistant.web.render import md_text
from assistant.web.security import CONTRACT_SUFFIXES, UploadRejected, check_upload

log = logging.getLogger(__name__)
GROUPS = (("general", "基本情况"), ("contract", "合同"), ("user", "用券行为"))
PLACEHOLDERS = {"date": "YYYY-MM-DD", "int": "例如 12", "region": "例如 北京"}


def _program_choices() -> list[tuple[str, str]]:
    from assistant.rules import load_programs

    try:
        return [("未指定（对照全部方案）", "")] + [
            (p.name, p.id) for p in sorted(load_programs().values(), key=lambda p: p.id)
        ]
    except Exception:
        return [("未指定（对照全部方案）", "")]


def _field(f: Any) -> Any:
    """One form field for a catalogue fact, by its type."""
    label, elem_id = f"{f.label_zh} {f.label_en}", f"comp-{f.name}"
    info = f.help_zh or None
    if f.type == "bool":
        return gr.Radio(labels().bool_choices, value="", label=label, elem_id=elem_id, min_width=200)
    if f.type == "choice" and f.name == "role":
        choices = [(c.zh, c.value) for c in f.choices]
        return gr.Radio(choices, value=choices[0][1] if choices else "", label=label, elem_id=elem_id)
    if f.type == "choice":
        return gr.Dropdown(
            [("未填", "")] + [(c.zh, c.value) for c in f.choices], value="", label=label, elem_id=elem_id
        )
    if f.type == "list":
        return gr.CheckboxGroup([(c.zh, c.value) for c in f.choices], label=label, elem_id=elem_id)
    if f.type == "program":
        return gr.Dropdown(_program_choices(), value="", label=label, elem_id=elem_id)
    return gr.Textbox(label=label, info=info, placeholder=PLACEHOLDERS.get(f.type), elem_id=elem_id, max_length=100)


def _value(f: Any, raw: Any) -> Any:
    """The form's value as ``check_compliance`` takes it; None when not given."""
    if f.type == "bool":
        return bool_value(raw)
    if f.type == "list":
        return list(raw) if raw else None
    text = raw.strip() if isinstance(raw, str) else raw
    return text if text not in (None, "") else None


def _shown(f: Any, value: Any) -> Any:
    """A recognised fact as its field shows it."""
    if f.type == "bool":
        return bool_choice(value)
    if f.type == "list":
        allowed = {c.value for c in f.choices}
        return [x for x in (value or []) if x in allowed]
    return "" if value is None else str(value)


def build_compliance(ctx: WebContext) -> None:
    from assistant.compliance import facts_catalogue

    catalogue = [f for f in facts_catalogue("zh") if f.name != "date"]
    gr.Markdown(
        "描述计划的算力券用途或合同（填写表单，或上传合同 PDF/文本自动识别后确认），查看合规风险。  \n"
        "Describe the planned voucher use or contract (fill the form, or upload a contract to pre-fill it), "
        "then check it."
    )
    fields: dict[str, Any] = {}
    with gr.Row(equal_height=False):
        with gr.Column(scale=2):
            contract = gr.File(
                label="上传合同 Upload contract (PDF / TXT / MD)",
                file_types=list(CONTRACT_SUFFIXES),
                elem_id="comp-contract",
            )
            describe = gr.Textbox(
                label="或用文字描述 Or describe it", lines=3, elem_id="comp-describe", max_length=MAX_ENQUIRY_CHARS
            )
            extract_btn = gr.Button("从描述中识别 Extract facts", elem_id="comp-extract", size="sm")
            parse_status = gr.Markdown(elem_id="comp-parse-status")
            for group, title in GROUPS:
                with gr.Group():
                    gr.Markdown(f"**{title}**")
                    for f in catalogue:
                        if f.group == group:
                            fields[f.name] = _field(f)
            with gr.Accordion("发文单位事项（公平竞争审查） Issuer side (fair-competition review)", open=False):
                for f in catalogue:
                    if f.group == "issuer":
                        fields[f.name] = _field(f)
            check = gr.Button("检查 Check", variant="primary", elem_id="comp-run")
        with gr.Column(scale=3):
            summary = gr.Markdown(elem_id="comp-summary")
            findings = gr.Dataframe(
                headers=render.FINDING_HEADERS,
                value=[],
                label="检查结果 Findings",
                elem_id="comp-findings",
                interactive=False,
                wrap=True,
                column_widths=["11%", "43%", "18%", "28%"],
            )
            clauses = gr.HTML(elem_id="comp-clauses")

    specs = [f for f in catalogue if f.name in fields]
    form = [fields[f.name] for f in specs]

    def prefill(text: str, source: str):
        from assistant.answer.facts import case_facts
        from assistant.rules.eligibility import today
        from assistant.understand.facts import read_turn

        # The same reader the chat uses: a contract or a description becomes a case file.
        case = read_turn(text, today(), frozenset(ctx.assistant().kb.covered))
        facts = {**case_facts(case), **case.compliance.stated()}
        found = [f.label_zh for f in specs if facts.get(f.name) not in (None, "", [])]
        updates = [
            gr.skip() if facts.get(f.name) in (None, "", []) else gr.update(value=_shown(f, facts[f.name]))
            for f in specs
        ]
        note = (
            f"已从{source}识别：{md_text('、'.join(found))}。请核对后再检查。"
            if found
            else f"未从{source}中识别出事实，请手动填写。"
        )
        return [note] + updates

    def on_contract(file, request: gr.Request):
        from assistant.ingest import CONTRACT_PDF_LIMITS, IngestError, load_file

        if not file:
            return [gr.skip()] * (1 + len(form))
        problem = ctx.check_rate(request)
        if problem:
            return ["⚠ " + md_text(problem)] + [gr.skip()] * len(form)
        path = Path(file)
        try:
            check_upload(path, CONTRACT_SUFFIXES, ctx.settings.max_upload_bytes)
            text = load_file(path, max_bytes=ctx.settings.max_upload_bytes, pdf_limits=CONTRACT_PDF_LIMITS).text
        except UploadRejected as exc:
            return ["⚠ " + md_text(exc)] + [gr.skip()] * len(form)
        except IngestError as exc:
            log.info("contract not readable: %s", exc.reason)
            return [f"⚠ 无法读取合同文本（{md_text(path.name)}），请上传可复制文字的 PDF 或文本文件。"] + [
                gr.skip()
            ] * len(form)
        return prefill(text, "合同")

    contract.upload(on_contract, inputs=contract, outputs=[parse_status] + form, api_visibility="private")

    def on_describe(text, request: gr.Request):
        if not (text or "").strip():
            return ["请先输入描述。"] + [gr.skip()] * len(form)
        problem = ctx.check_rate(request)
        if problem:
            return ["⚠ " + md_text(problem)] + [gr.skip()] * len(form)
        return prefill(text[:MAX_ENQUIRY_CHARS], "描述")

    extract_btn.click(on_describe, inputs=describe, outputs=[parse_status] + form, api_visibility="private")

    def run_check(request: gr.Request, *values):
        from assistant.compliance import check_compliance
        from assistant.rules import RulesInputError

        problem = ctx.check_rate(request)
        if problem:
            return "⚠ " + md_text(problem), [], ""
        facts: dict[str, Any] = {}
        for f, raw in zip(specs, values):
            value = _value(f, raw)
            if value is not None:
                facts[f.name] = value
        facts.setdefault("role", "user")
        try:
            found = [f.as_json() for f in check_compliance(facts)]
        except RulesInputError as exc:
            log.info("compliance input refused: %s", exc)
            spec = next((f for f in specs if f.name == exc.field), None)
            return input_error(spec.label_zh if spec else "表单", spec.type if spec else "other"), [], ""
        except Exception:
            log.exception("compliance check failed")
            return "⚠ 检查失败，请检查输入。", [], ""
        counts: dict[str, int] = {}
        for f in found:
            counts[f["severity"]] = counts.get(f["severity"], 0) + 1
        if found:
            head = f"发现 {len(found)} 项风险提示 / {len(found)} finding(s): " + "，".join(
                f"{render.SEVERITY_ZH.get(k, k)} {k}: {v}" for k, v in counts.items()
            )
        else:
            head = "未发现风险。 / No findings for the facts given."
        head += "\n\n_以上为基于规则的合规提示，不构成法律意见。 Rule-based checks, not legal advice._"
        refs = [r for f in found for r in f.get("references", [])]
        return head, render.finding_rows(found, ctx.titles()), ctx.clause_html(refs)

    check.click(
        run_check,
        inputs=form,
        outputs=[summary, findings, clauses],
        api_name="check_compliance",
        api_visibility="undocumented",
    )
