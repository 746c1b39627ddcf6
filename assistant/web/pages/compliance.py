"""The Compliance tab: a planned voucher use or contract (typed in, or read from an uploaded
contract by the same reader the chat uses) checked by ``compliance.check_compliance``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.web import render
from assistant.web.context import MAX_ENQUIRY_CHARS, WebContext, bool_choice, bool_value
from assistant.web.labels import choice_options, input_error, labels
from assistant.web.render import md_text
from assistant.web.security import CONTRACT_SUFFIXES, UploadRejected, check_upload

log = logging.getLogger(__name__)


def _bool_grid(specs: list[tuple[str, str, str]]) -> list[Any]:
    """Yes/no/unknown radios for boolean facts, two to a row."""
    comps = []
    for i in range(0, len(specs), 2):
        with gr.Row(equal_height=True):
            for name, zh, en in specs[i : i + 2]:
                comps.append(
                    gr.Radio(labels().bool_choices, value="", label=f"{zh} {en}", elem_id=f"comp-{name}", min_width=200)
                )
    return comps


def build_compliance(ctx: WebContext) -> None:
    from assistant.rules import FACTS, load_programs

    try:
        program_choices = [("未指定 any", "")] + [
            (f"{p.name}（{p.id}）", p.id) for p in sorted(load_programs().values(), key=lambda p: p.id)
        ]
    except Exception:
        program_choices = [("未指定 any", "")]
    line_choices = (FACTS["line_items"].choices if "line_items" in FACTS else None) or [
        "compute",
        "storage",
        "network",
        "security",
        "software",
        "other",
    ]

    gr.Markdown(
        "描述计划的算力券用途或合同（填写表单，或上传合同 PDF/文本自动识别后确认），查看合规风险。  \n"
        "Describe the planned voucher use or contract (fill the form, or upload a contract to pre-fill it), "
        "then check it."
    )
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
            role = gr.Radio(
                [("使用方 user", "user"), ("发文单位 issuer", "issuer")],
                value="user",
                label="角色 Role",
                elem_id="comp-role",
            )
            program = gr.Dropdown(program_choices, value="", label="适用方案 Program", elem_id="comp-program")
            action = gr.Dropdown(
                labels().voucher_actions, value="", label="算力券用途 Voucher use", elem_id="comp-voucher_action"
            )
            signed = gr.Textbox(
                label="合同签订日期 Contract date", placeholder="YYYY-MM-DD", elem_id="comp-contract_signed"
            )
            term = gr.Textbox(label="合同期限（月） Term (months)", elem_id="comp-contract_term_months")
            price = gr.Dropdown(
                [("未填 unknown", ""), ("高于公允价 above", "above"), ("在公允区间 within", "within")],
                value="",
                label="价格 vs 市场公允价 Price vs fair market",
                elem_id="comp-price_vs_fair_market",
            )
            lines = gr.CheckboxGroup(
                choice_options(line_choices), label="合同内容 Line items", elem_id="comp-line_items"
            )
            registered = gr.Textbox(
                label="注册地 Registered in",
                placeholder="例如 北京 / beijing",
                elem_id="comp-registered_in",
                max_length=100,
            )
            user_bools = _bool_grid(labels().compliance_bools_user)
            with gr.Accordion("发文单位事项（公平竞争审查） Issuer side (fair-competition review)", open=False):
                issuer_bools = _bool_grid(labels().compliance_bools_issuer)
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

    bool_specs = labels().compliance_bools_user + labels().compliance_bools_issuer
    bool_comps = user_bools + issuer_bools
    form = [role, program, action, signed, term, price, lines, registered] + bool_comps
    fact_labels = {
        "role": "角色",
        "voucher_action": "算力券用途",
        "contract_signed": "合同签订日期",
        "contract_term_months": "合同期限",
        "price_vs_fair_market": "价格",
        "line_items": "合同内容",
        "registered_in": "注册地",
        **{name: zh for name, zh, _ in bool_specs},
    }

    def prefill(text: str, source: str):
        from assistant.answer.facts import case_facts
        from assistant.rules.eligibility import today
        from assistant.understand.facts import read_turn

        # The same reader the chat uses: a contract or a description becomes a case file.
        case = read_turn(text, today(), frozenset(ctx.assistant().kb.covered))
        facts = {**case_facts(case), **case.compliance.stated()}
        found = [fact_labels[k] for k in fact_labels if k in facts]
        updates = [
            gr.update(value=facts.get("role", "user")),
            gr.skip(),
            gr.update(value=facts.get("voucher_action", "")),
            gr.update(value=str(facts["contract_signed"]) if facts.get("contract_signed") else ""),
            gr.update(value=str(facts["contract_term_months"]) if facts.get("contract_term_months") else ""),
            gr.update(value=facts.get("price_vs_fair_market", "")),
            gr.update(value=[x for x in facts.get("line_items", []) if x in line_choices]),
            gr.update(value=str(facts.get("registered_in") or "")),
        ] + [gr.update(value=bool_choice(facts.get(name))) for name, _, _ in bool_specs]
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
            return [f"⚠ 无法读取合同文本（{md_text(Path(file).name)}），请上传可复制文字的 PDF 或文本文件。"] + [
                gr.skip()
            ] * len(form)
        return prefill(text, "合同")

    contract.upload(on_contract, inputs=contract, outputs=[parse_status] + form, api_visibility="private")

    def on_describe(text, request: gr.Request):
        if not (text or "").strip():
            return ["请先输入描述。 / Enter a description first."] + [gr.skip()] * len(form)
        problem = ctx.check_rate(request)
        if problem:
            return ["⚠ " + md_text(problem)] + [gr.skip()] * len(form)
        return prefill(text[:MAX_ENQUIRY_CHARS], "描述")

    extract_btn.click(on_describe, inputs=describe, outputs=[parse_status] + form, api_visibility="private")

    def run_check(request: gr.Request, role_v, program_v, action_v, signed_v, term_v, price_v, lines_v, reg_v, *bools):
        from assistant.compliance import check_compliance
        from assistant.rules import RulesInputError

        problem = ctx.check_rate(request)
        if problem:
            return "⚠ " + md_text(problem), [], ""
        facts: dict[str, Any] = {"role": role_v or "user"}
        for key, value in (
            ("program", program_v),
            ("voucher_action", action_v),
            ("contract_signed", signed_v),
            ("contract_term_months", term_v),
            ("price_vs_fair_market", price_v),
            ("registered_in", reg_v),
        ):
            if value not in (None, ""):
                facts[key] = value.strip() if isinstance(value, str) else value
        if lines_v:
            facts["line_items"] = list(lines_v)
        for (name, _, _), value in zip(bool_specs, bools):
            b = bool_value(value)
            if b is not None:
                facts[name] = b
        try:
            found = [f.as_json() for f in check_compliance(facts)]
        except RulesInputError as exc:
            log.info("compliance input refused: %s", exc)
            kind = {"contract_signed": "date", "contract_term_months": "int"}.get(exc.field, "other")
            return input_error(fact_labels.get(exc.field, "表单"), kind), [], ""
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
