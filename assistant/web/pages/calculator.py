"""The Calculator tab: one program's amount with its trace and clauses (``rules.calculate``).
Ranking every program for a profile is the Compare tab (``pages/compare.py``)."""

from __future__ import annotations

import logging
from typing import Any

import gradio as gr

from assistant.web import render
from assistant.web.context import TRACE_WIDTHS, WebContext, bool_value
from assistant.web.labels import choice_options, input_error, labels
from assistant.web.render import md_text

log = logging.getLogger(__name__)


def _field_component(f, elem_prefix: str):
    label = f"{f.label_zh} {f.label_en}"
    info = (f.help_zh + (" / " + f.help_en if f.help_en else "")) if (f.help_zh or f.help_en) else None
    elem_id = f"{elem_prefix}-{f.name}"
    if f.type == "choice" and f.choices:
        return gr.Dropdown(
            choices=[("未填", "")] + choice_options(f.choices),
            value="",
            label=label,
            info=info,
            elem_id=elem_id,
            visible=False,
        )
    if f.type == "bool":
        return gr.Radio(choices=labels().bool_choices, value="", label=label, info=info, elem_id=elem_id, visible=False)
    if f.type == "list" and f.choices:
        return gr.CheckboxGroup(
            choices=choice_options(f.choices), value=[], label=label, info=info, elem_id=elem_id, visible=False
        )
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
    choices = [(p.name, p.id) for p in sorted(programs.values(), key=lambda p: p.id)]
    default = "beijing-municipal" if "beijing-municipal" in programs else (choices[0][1] if choices else None)

    with gr.Row(equal_height=False):
        with gr.Column(scale=2):
            program = gr.Dropdown(choices=choices, value=default, label="方案 Program", elem_id="calc-program")
            about = gr.Markdown(elem_id="calc-about")
            comps = {name: _field_component(fields[name], "calc") for name in names}
            run = gr.Button("计算 Calculate", variant="primary", elem_id="calc-run")
        with gr.Column(scale=3):
            summary = gr.Markdown(elem_id="calc-summary")
            warn = gr.Markdown(elem_id="calc-warnings")
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
        p = programs.get(pid)
        declared = {f.name: f for f in p.inputs} if p else {}
        updates = [
            gr.update(
                visible=n in declared, label=f"{declared[n].label_zh} {declared[n].label_en}" if n in declared else None
            )
            for n in names
        ]
        if p is None:
            return ["请选择方案。"] + updates
        about_md = (
            f"**{md_text(p.name)}** {md_text(p.name_en)}\n\n{md_text(p.summary_zh)}\n\n{md_text(p.summary_en)}"
            f"\n\n计算基数 Base: {md_text(p.base_label_zh)} / {md_text(p.base_label_en)}"
        )
        return [about_md] + updates

    program.change(on_program, inputs=program, outputs=[about] + comp_list, api_visibility="private")

    def calculate(request: gr.Request, pid, *values):
        from assistant.rules import RulesInputError
        from assistant.rules import calculate as calc_fn

        problem = ctx.check_rate(request)
        if problem:
            return "⚠ " + md_text(problem), "", [], ""
        if pid not in programs:
            return "⚠ 请选择方案。", "", [], ""
        declared = [f.name for f in programs[pid].inputs]
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
            calc = calc_fn(pid, kwargs.pop("amount", None), facts=facts, **kwargs).as_json()
        except RulesInputError as exc:
            log.info("calculation input refused: %s", exc)
            f = fields.get(exc.field) or fields.get("amount")
            return input_error(f.label_zh if f else "金额", f.type if f else "money"), "", [], ""
        except Exception:
            log.exception("calculation failed")
            return "⚠ 计算失败，请检查输入。", "", [], ""
        refs = [s.get("reference") for s in calc.get("steps") or []] + [
            r.get("reference") for r in calc.get("reasons") or []
        ]
        return (
            render.calc_summary_md(calc),
            render.warnings_md(render.calc_warnings(calc)),
            gr.update(value=render.trace_rows([calc], ctx.titles()), visible=True),
            ctx.clause_html([r for r in refs if r]),
        )

    run.click(
        calculate,
        inputs=[program] + comp_list,
        outputs=[summary, warn, trace, clauses],
        api_name="calculate",
        api_visibility="undocumented",
    )
    return program, about, comp_list, on_program
