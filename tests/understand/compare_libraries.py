"""Library choice for places, money and dates, measured on the tables in this folder.

Run: .venv/bin/python tests/understand/compare_libraries.py [cpca_output.json]

Places: the first place of each row of places.yaml (or no place, for the look-alike rows) as
  - JioNLP's parse_location on the whole message,
  - cpca 0.5.5 (installed only in a scratch venv: its output is read from the JSON file that
    /tmp/scratch/cpca_run.py writes, see docs/understanding.md),
  - our find_places (JioNLP's gazetteer + the region lexicon).
  A row counts as right when the resolved lexicon region is the expected one; an ambiguous name
  is right when no region is guessed; a look-alike row is right when nothing is found.
Money: every amount of money.yaml, value (and top of range) on the span our finder marks, as
  JioNLP's parse_money, cn2an and our find_money; and the whole table end to end for find_money
  (same amounts, same count). The old regex module's end-to-end figure is recorded in
  docs/understanding.md; the module was removed with the redesign.
Dates: JioNLP's parse_time on each date span of dates.yaml against the expected first/last day.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from assistant.lexicon.gazetteer import jionlp  # noqa: E402
from assistant.understand import places as places_mod  # noqa: E402
from assistant.understand.dates import find_dates  # noqa: E402
from assistant.understand.money import find_money  # noqa: E402
from assistant.understand.text import normalise  # noqa: E402

TODAY = dt.date(2026, 11, 28)


def _region(prov: str | None, city: str | None, county: str | None) -> str | None:
    if not prov:
        return None
    return places_mod._code_for((prov, city if city not in (None, "市辖区") else prov, county))


def places(cpca_json: str | None) -> None:
    rows = yaml.safe_load((HERE / "places.yaml").read_text(encoding="utf-8"))["find"]
    jio = jionlp()
    cpca_rows = json.loads(Path(cpca_json).read_text())["rows"] if cpca_json else None
    score = {"jionlp": 0, "cpca": 0, "ours": 0}
    for i, row in enumerate(rows):
        want = row["places"][0].get("region") if row["places"] else None
        nothing = not row["places"]
        res = jio.parse_location(row["text"]) if row["text"] else {"province": None}
        got = {"jionlp": _region(res.get("province"), res.get("city"), res.get("county"))}
        if cpca_rows is not None:
            p, c, d = ((x if isinstance(x, str) else None) for x in cpca_rows[i])
            got["cpca"] = _region(p, c, d)
        found = places_mod.find_places(normalise(row["text"]))
        got["ours"] = found[0].place.region if found else None
        for name, region in got.items():
            ok = region is None if (nothing or want is None) else region == want
            score[name] += ok
    n = len(rows)
    print(f"places ({n} rows):", {k: f"{v}/{n}" for k, v in score.items() if k != "cpca" or cpca_rows})


def _same(value: Decimal | None, want: Any) -> bool:
    return value is not None and want is not None and Decimal(str(value)) == Decimal(str(want))


def money() -> None:
    rows = yaml.safe_load((HERE / "money.yaml").read_text(encoding="utf-8"))["find"]
    jio = jionlp()
    import cn2an

    spans = {"jionlp": 0, "cn2an": 0, "ours": 0}
    total = 0
    e2e = {"ours": 0}
    for row in rows:
        text = normalise(row["text"])
        found = find_money(text)
        for m, want in zip(found, row["amounts"]):
            if "value" not in want:
                continue
            total += 1
            spans["ours"] += _same(m.money.value, want["value"])
            try:
                res = jio.parse_money(m.text)
                num = res["num"][0] if isinstance(res["num"], list) else res["num"]
                spans["jionlp"] += _same(Decimal(num), want["value"]) and res.get("case") in ("元", "美元")
            except Exception:  # noqa: BLE001 - a library that raises is a wrong answer here
                pass
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    bare = m.text
                    for w in ("元人民币", "人民币", "块钱", "元", "块", "美元"):
                        bare = bare.replace(w, "")
                    spans["cn2an"] += _same(Decimal(str(cn2an.cn2an(bare, "smart"))), want["value"])
            except Exception:  # noqa: BLE001
                pass
        ours = [str(m.money.value) for m in found]
        wanted = [str(Decimal(str(a["value"])).quantize(Decimal("0.01"))) for a in row["amounts"] if "value" in a]
        if all("value" in a for a in row["amounts"]):
            e2e["ours"] += ours == wanted
    print(f"money, value on our spans ({total} amounts):", {k: f"{v}/{total}" for k, v in spans.items()})
    n = sum(1 for r in rows if all("value" in a for a in r["amounts"]))
    print(
        f"money, end to end, same values and count ({n} rows incl. negatives):", {k: f"{v}/{n}" for k, v in e2e.items()}
    )


def dates() -> None:
    rows = yaml.safe_load((HERE / "dates.yaml").read_text(encoding="utf-8"))["dates"]
    jio = jionlp()
    base = time.mktime((TODAY.year, TODAY.month, TODAY.day, 12, 0, 0, 0, 0, -1))
    right = total = 0
    for row in rows:
        text = normalise(row["text"])
        for m, want in zip(find_dates(text, TODAY), row["dates"]):
            total += 1
            try:
                res = jio.parse_time(m.text, time_base=base)
                first, last = (dt.date.fromisoformat(str(t)[:10]) for t in res["time"][:2])
            except Exception:  # noqa: BLE001
                continue
            right += first == want["value"] and last == want.get("last", last)
    print(f"dates, JioNLP parse_time on our spans ({total} dates): {right}/{total}; ours {total}/{total}")


if __name__ == "__main__":
    places(sys.argv[1] if len(sys.argv) > 1 else None)
    money()
    dates()
