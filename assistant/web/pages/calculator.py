"""The Calculator tab: one program's amount with its trace and clauses (``rules.calculate``),
or every program ranked for one profile (``rules.compare``)."""

from __future__ import annotations

import logging
from typing import Any

import gradio as gr

from assistant.web import render
from assistant.web.context import TRACE_WIDTHS, WebContext, bool_value
from assistant.web.labels import labels
from assistant.web.render import md_text

log = logging.getLogger(__name__)

COMPARE = "__compare_all__"


def _field_component(f, elem_prefix: str):
    label = f"{f.label_zh} {f.label_en}"
    info = (f.help_zh + (" / " + f.help_en if f.help_en else "")) if (f.help_zh or f.help_en) else None
    elem_id = f"{elem_prefix}-{f.name}"
    if f.type == "choice" and f.choices:
        return gr.Dropdown(
            choices=[("未填 unknown", "")] + [(c, c) for c in f.choices],
            value="",
            label=label,
            info=info,
            elem_id=elem_id,
            visible=False,
        )
    if f.type == "bool":
        return gr.Radio(choices=labels().bool_choices, value="", label=label, info=info, elem_id=elem_id, visible=False)
    if f.type == "list" and f.choices:
        return gr.CheckboxGroup(choices=f.choices, value=[], label=label, info=info, elem_id=elem_id, visible=False)
    placeholder = {"date": "YYYY-MM-DD", "money": "例如 5000000 或 500万", "ratio": "例如 0.2", "int": "例如 12"}.get(
        f.type
    )
    return gr.Textbox(label=label, info=info, placeholder=placeholder, elem_id=elem_id, visible=False, max_length=200)


def _field_value(f, raw: Any) -> Any:
    if raw is None or raw == "" or raw == []:
        return None
    if f.type == "bool":
        return bool_value(raw)
    if isinstance(raw, str):
        return raw.strip() or None
    return raw


CALC_KWARGS = {
    "amount": "amount",
    "date": "on",
    "compute_type": "compute_type",
    "claimed_this_year": "claimed_this_year",
    "start": "start",
    "end": "end",
}


def build_calculator(ctx: WebContext) -> None:
    from assistant.rules import load_programs

    try:
        programs = load_programs()
    except Exception as exc:  # a broken program file: say so instead of failing the whole app
        log.exception("programs failed to load")
        gr.Markdown(f"⚠ 计算规则加载失败 / the rules failed to load: {md_text(exc)}")
        return
    fields: dict[str, Any] = {}
    for p in programs.values():
        for f in p.inputs:
            fields.setdefault(f.name, f)
    names = list(fields)
    choices = [("全部方案比较 Compare all programs", COMPARE)] + [
        (f"{p.name}（{p.id}）", p.id) for p in sorted(programs.values(), key=lambda p: p.id)
    ]
    default = (
        "beijing-municipal" if "beijing-municipal" in programs else (choices[1][1] if len(choices) > 1 else COMPARE)
    )

    with gr.Row(equal_height=False):
        with gr.Column(scale=2):
            program = gr.Dropdown(choices=choices, value=default, label="方案 Program", elem_id="calc-program")
            about = gr.Markdown(elem_id="calc-about")
            comps = {name: _field_component(fields[name], "calc") for name in names}
            run = gr.Button("计算 Calculate", variant="primary", elem_id="calc-run")
        with gr.Column(scale=3):
            summary = gr.Markdown(elem_id="calc-summary")
            warn = gr.Markdown(elem_id="calc-warnings")
            table = gr.Dataframe(
                headers=render.COMPARE_HEADERS,
                value=[],
                label="比较结果 Comparison (ranked)",
                elem_id="calc-compare",
                interactive=False,
                wrap=True,
                visible=False,
            )
            chart = gr.BarPlot(
                x="program",
                y="amount_wan",
                label="各方案金额（万元） Amount by program",
                elem_id="calc-chart",
                visible=False,
                x_label_angle=-30,
                sort="-y",
                y_title="万元",
                x_title="方案 Program",
                height=360,
            )
            trace = gr.Dataframe(
                headers=render.TRACE_HEADERS,
                value=[],
                label="计算过程 Trace",
                elem_id="calc-trace",
                interactive=False,
                wrap=True,
                column_widths=TRACE_WIDTHS,
            )
            clauses = gr.HTML(elem_id="calc-clauses")

    comp_list = [comps[n] for n in names]

    def on_program(pid):
        if pid == COMPARE:
            updates = [gr.update(visible=True, label=f"{fields[n].label_zh} {fields[n].label_en}") for n in names]
            about_md = (
                "比较全部方案：填写企业情况和金额，按资格与金额排序。 / Compare every program for one profile, ranked."
            )
            return [about_md] + updates
        p = programs[pid]
        declared = {f.name: f for f in p.inputs}
        updates = [
            gr.update(
                visible=n in declared, label=f"{declared[n].label_zh} {declared[n].label_en}" if n in declared else None
            )
            for n in names
        ]
        about_md = (
            f"**{md_text(p.name)}** {md_text(p.name_en)}\n\n{md_text(p.summary_zh)}\n\n{md_text(p.summary_en)}"
            f"\n\n计算基数 Base: {md_text(p.base_label_zh)} / {md_text(p.base_label_en)}"
        )
        return [about_md] + updates

    program.change(on_program, inputs=program, outputs=[about] + comp_list, api_visibility="private")

    def calculate(request: gr.Request, pid, *values):
        from assistant.rules import RulesInputError, compare
        from assistant.rules import calculate as calc_fn

        hidden = gr.update(visible=False)
        problem = ctx.check_rate(request)
        if problem:
            return "⚠ " + md_text(problem), "", hidden, hidden, [], ""
        declared = names if pid == COMPARE else [f.name for f in programs[pid].inputs] if pid in programs else []
        kwargs: dict[str, Any] = {}
        facts: dict[str, Any] = {}
        for name, raw in zip(names, values):
            if name not in declared:
                continue
            value = _field_value(fields[name], raw)
            if value is None:
                continue
            if name in CALC_KWARGS:
                kwargs[CALC_KWARGS[name]] = value
            else:
                facts[name] = value
        try:
            if pid == COMPARE:
                result = compare(
                    facts,
                    amount=kwargs.get("amount"),
                    on=kwargs.get("on"),
                    compute_type=kwargs.get("compute_type"),
                    claimed_this_year=kwargs.get("claimed_this_year"),
                ).as_json()
                rows = render.compare_rows(result)
                chart_rows = render.compare_chart_rows(result)
                import pandas as pd

                df = pd.DataFrame(chart_rows or [], columns=["program", "amount_wan", "status"])
                head = (
                    f"### 方案比较 Comparison\n基数 base: {md_text(result['base'])} 元 · 日期 date: "
                    f"{md_text(result['date'])} · {len(rows)} 个方案 programs"
                )
                return (
                    head,
                    "",
                    gr.update(value=rows, visible=True),
                    gr.update(value=df, visible=True),
                    gr.update(value=[], visible=False),
                    "",
                )
            if pid not in programs:
                return "⚠ 请选择方案 / choose a program", "", hidden, hidden, [], ""
            calc = calc_fn(pid, kwargs.pop("amount", None), facts=facts, **kwargs).as_json()
        except RulesInputError as exc:
            return (
                f"⚠ 输入有误 / Invalid input — **{md_text(exc.field)}**: {md_text(exc.message)}",
                "",
                hidden,
                hidden,
                [],
                "",
            )
        except Exception:
            log.exception("calculation failed")
            return "⚠ 计算失败，请检查输入。 / The calculation failed; check the inputs.", "", hidden, hidden, [], ""
        refs = [s.get("reference") for s in calc.get("steps") or []] + [
            r.get("reference") for r in calc.get("reasons") or []
        ]
        return (
            render.calc_summary_md(calc),
            render.warnings_md(render.calc_warnings(calc)),
            hidden,
            hidden,
            gr.update(value=render.trace_rows([calc], ctx.titles()), visible=True),
            ctx.clause_html([r for r in refs if r]),
        )

    run.click(
        calculate,
        inputs=[program] + comp_list,
        outputs=[summary, warn, table, chart, trace, clauses],
        api_name="calculate",
        api_visibility="undocumented",
    )
    return program, about, comp_list, on_program
