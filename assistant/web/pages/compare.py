"""The Compare tab: every program ranked for one company profile (``rules.compare``).

A ranking means something only for a profile, so the form asks where the company is
registered, its industry and type, and what it buys. Each row says in words why a program is
eligible, not eligible or still needs a fact (condition and fact labels, never their codes),
and the chart follows the table's order, coloured by status.
"""

from __future__ import annotations

import logging
from typing import Any

import gradio as gr

from assistant.web import render
from assistant.web.cards import condition_label, money
from assistant.web.context import WebContext, bool_value
from assistant.web.labels import cap_label, choice_options, fact_label, input_error, labels, msg
from assistant.web.render import md_text

log = logging.getLogger(__name__)

HEADERS = ["排名 Rank", "方案 Program", "资格 Status", "金额 Amount", "说明 Notes"]
PROFILE_CHOICE_FACTS = ("industry", "entity_type", "purpose", "compute_type")
PROFILE_BOOL_FACTS = ("startup", "sme")
FIELD_TYPES = {"amount": "money", "date": "date", "claimed_this_year": "money"}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def region_choices() -> list[tuple[str, str]]:
    """The regions that have a program, by their Chinese names (a typed name is accepted too)."""
    from assistant.rules import load_programs
    from assistant.rules.regions import NAMES

    seen: dict[str, str] = {}
    for p in load_programs().values():
        seen.setdefault(p.region, p.region_name or NAMES.get(p.region, p.region))
    return [("未填", "")] + sorted(((name, code) for code, name in seen.items()), key=lambda x: x[1])


def row_note(row: Any) -> str:
    """Why a row has its status, in words: failed conditions, facts still needed, caps."""
    e = row.eligibility
    if row.status == "not_eligible":
        failed = [condition_label(row.program, r.condition) or fact_label(r.fact) for r in e.failed]
        return msg("not_eligible_because", conditions="；".join(x for x in failed if x))
    if row.amount is None:
        return msg("ratio_unpublished")
    notes = []
    if row.status == "undetermined":
        notes.append(msg("if_eligible"))
        if row.missing:
            notes.append(msg("still_needed", facts="、".join(dict.fromkeys(fact_label(m) for m in row.missing))))
        if any(w.code == "outside_applicant_unaddressed" for w in e.warnings):
            notes.append(msg("outside_unaddressed"))
    if row.capped_by:
        notes.append(f"按{cap_label(row.capped_by)}封顶。")
    return "".join(notes)


def build_compare(ctx: WebContext) -> None:
    from assistant.rules import FACTS

    gr.Markdown(
        "填写企业情况和采购金额，按资格与金额排列全部方案。  \nEnter the company profile and purchase; every program is ranked."
    )
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=260):
            registered = gr.Dropdown(
                region_choices(),
                value="",
                allow_custom_value=True,
                label="注册地 Registered in",
                elem_id="cmp-registered_in",
            )
            choices = {
                name: gr.Dropdown(
                    [("未填", "")] + choice_options(FACTS[name].choices),
                    value="",
                    label=f"{fact_label(name)} {_cap(fact_label(name, 'en'))}",
                    elem_id=f"cmp-{name}",
                )
                for name in PROFILE_CHOICE_FACTS
            }
            bools = {
                name: gr.Radio(
                    labels().bool_choices,
                    value="",
                    label=f"{fact_label(name)} {_cap(fact_label(name, 'en'))}",
                    elem_id=f"cmp-{name}",
                )
                for name in PROFILE_BOOL_FACTS
            }
            amount = gr.Textbox(
                label="采购金额（元） Purchase amount", placeholder="例如 5000000 或 500万", elem_id="cmp-amount"
            )
            date = gr.Textbox(label="适用日期 Date", placeholder="YYYY-MM-DD（可不填）", elem_id="cmp-date")
            run = gr.Button("比较 Compare", variant="primary", elem_id="cmp-run")
        with gr.Column(scale=3):
            summary = gr.Markdown(elem_id="cmp-summary")
            table = gr.Dataframe(
                headers=HEADERS,
                value=[],
                label="比较结果 Comparison (ranked)",
                elem_id="cmp-table",
                interactive=False,
                wrap=True,
                column_widths=["9%", "25%", "16%", "16%", "34%"],
            )
            chart = gr.BarPlot(
                x="program",
                y="amount_wan",
                color="status",
                label="各方案金额（万元） Amount by program",
                elem_id="cmp-chart",
                visible=False,
                x_label_angle=-30,
                y_title="万元",
                x_title="方案 Program",
                height=360,
            )

    inputs = [registered, *choices.values(), *bools.values(), amount, date]

    def run_compare(request: gr.Request, reg, *values):
        import pandas as pd

        from assistant.rules import RulesInputError, compare

        problem = ctx.check_rate(request)
        if problem:
            return "⚠ " + md_text(problem), [], gr.update(visible=False)
        n = len(PROFILE_CHOICE_FACTS)
        facts: dict[str, Any] = {}
        if reg:
            facts["registered_in"] = str(reg).strip()
        facts.update({k: v for k, v in zip(PROFILE_CHOICE_FACTS, values[:n]) if v})
        facts.update({k: bool_value(v) for k, v in zip(PROFILE_BOOL_FACTS, values[n:]) if bool_value(v) is not None})
        amount_v, date_v = (str(v or "").strip() or None for v in values[-2:])
        try:
            result = compare(facts, amount=amount_v, on=date_v)
        except RulesInputError as exc:
            log.info("compare input refused: %s", exc)
            field = exc.field if exc.field in FIELD_TYPES else "amount"
            return input_error(fact_label(field), FIELD_TYPES[field]), [], gr.update(visible=False)
        except Exception:
            log.exception("comparison failed")
            return "⚠ 比较失败，请检查输入。", [], gr.update(visible=False)
        rows = [
            [
                str(r.rank),
                r.program_name,
                render.ELIGIBILITY_ZH.get(r.status, ""),
                money(r.amount) if r.amount is not None else "—",
                row_note(r),
            ]
            for r in result.rows
        ]
        chart_rows = [
            {
                "program": r.program_name,
                "amount_wan": float(r.amount) / 10000,
                "status": render.ELIGIBILITY_ZH[r.status],
            }
            for r in result.rows
            if r.amount is not None
        ]
        df = pd.DataFrame(chart_rows, columns=["program", "amount_wan", "status"])
        head = f"### 方案比较 Comparison\n基数：{money(result.base)} · 日期：{md_text(result.date.isoformat())} · {len(rows)} 个方案"
        order = [r["program"] for r in chart_rows]
        return head, rows, gr.BarPlot(value=df, visible=True, sort=order or None)

    run.click(
        run_compare,
        inputs=inputs,
        outputs=[summary, table, chart],
        api_name="compare",
        api_visibility="undocumented",
    )
