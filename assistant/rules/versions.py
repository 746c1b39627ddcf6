"""Version choice: which dated version of a program applies on a day, and what to say about it.

A program's text changes over time (a new notice, an ended period, a reported draft beside an
official text). Rather than refuse outside its dates, the calculator and eligibility always
take one version and say why in notices: not yet in force, ended (with the latest public word
on it), ending soon, or not a confirmed official text.
"""

from __future__ import annotations

import datetime as dt

from assistant.rules.model import Program, Version
from assistant.rules.notices import Notice

ENDS_SOON_DAYS = 90  # a program ending within this many days of the date asked about is flagged


def select_version(program: Program, on: dt.date) -> tuple[Version, list[Version], list[Notice]]:
    """The version in force on ``on`` (latest start wins), other versions in force, notices.

    Before the first version: the first version, with a "not yet in force" notice. After the
    last version ended: the last version, with a "period ended" notice (never a refusal).
    """
    in_force = [v for v in program.versions if v.in_force_on(on)]
    notices: list[Notice] = []
    if in_force:
        chosen = max(in_force, key=lambda v: v.effective_from)
        others = [v for v in in_force if v is not chosen]
        end_day = chosen.effective_to
        if end_day is not None and (end_day - on).days <= ENDS_SOON_DAYS:
            notices.append(
                Notice(
                    code="ends_soon",
                    en=f"{chosen.label_en or chosen.id} ends on {end_day.isoformat()}, within {ENDS_SOON_DAYS} days; "
                    "claims may need to be filed before then. Confirm the deadline with the issuer.",
                    zh=f"{chosen.label_zh or chosen.id}将于{end_day.isoformat()}到期（{ENDS_SOON_DAYS}天内），"
                    "申领可能需在到期前提交，请向发文单位确认截止安排。",
                )
            )
        return chosen, others, notices
    started = [v for v in program.versions if v.effective_from <= on]
    if not started:
        chosen = min(program.versions, key=lambda v: v.effective_from)
        notices.append(
            Notice(
                code="not_yet_in_force",
                en=f"{program.name_en or program.id} was not yet in force on {on.isoformat()}; it starts on "
                f"{chosen.effective_from.isoformat()}. Computed under that first version.",
                zh=f"{program.name}在{on.isoformat()}尚未施行，{chosen.effective_from.isoformat()}起施行；按该版本计算。",
            )
        )
        return chosen, [], notices
    chosen = max(started, key=lambda v: (v.effective_to or dt.date.max, v.effective_from))
    end = chosen.effective_to.isoformat() if chosen.effective_to else "?"
    # The latest public word after the period (e.g. Beijing's bureau on 2026-01-22) is part of
    # the warning: "ended" alone would say less than is known.
    latest = next(
        (st for st in program.statements if chosen.effective_to is None or st.date > chosen.effective_to), None
    )
    said_en = f" Latest known: {latest.en.rstrip('.')} ({latest.date.isoformat()})." if latest else ""
    said_zh = f"最新情况：{latest.zh.rstrip('。')}。" if latest else ""
    notices.append(
        Notice(
            code="period_ended",
            en=f"The program period ended on {end} ({chosen.label_en or chosen.id}); no successor text is in the corpus, "
            f"so this is computed under the last version.{said_en} Confirm with the issuer whether the program continues.",
            zh=f"该政策执行期已于{end}结束（{chosen.label_zh or chosen.id}）；语料库中未见后续文件，按最后版本计算。"
            f"{said_zh}请向发文单位确认政策是否延续。",
        )
    )
    return chosen, [], notices


def version_notices(version: Version) -> list[Notice]:
    """What a calculation under ``version`` must say about its source: the version's own notes,
    then that it is not a confirmed official text, or that its figures rest on one public copy."""
    out = [Notice(code=f"note:{version.id}:{i}", en=n.en, zh=n.zh) for i, n in enumerate(version.notes)]
    if version.status != "official":
        out.append(
            Notice(
                code="version_status",
                en=f"Version {version.id} is {version.status} (confidence {version.confidence}): not a confirmed official text.",
                zh=f"版本{version.id}为{version.status}（可信度{version.confidence}），并非已核实的官方文本。",
            )
        )
    elif version.confidence == "S1":
        out.append(
            Notice(
                code="single_source",
                en=f"The parameters of {version.id} come from a single public copy (S1); confirm with the issuer.",
                zh=f"{version.id}的参数仅见单一公开来源（S1），请向发文单位核实。",
            )
        )
    return out


__all__ = ["ENDS_SOON_DAYS", "select_version", "version_notices"]
