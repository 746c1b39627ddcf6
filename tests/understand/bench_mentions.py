"""Cost of the mention finders: import and warm-up of JioNLP, then find_places + find_money +
find_dates (+ terms, percents) per 100-character message.

Run: .venv/bin/python tests/understand/bench_mentions.py
Messages are built from the tables in this folder (rows joined until 100 characters), each one
different; "cold" clears the finders' small caches before every message.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
TODAY = dt.date(2026, 11, 28)


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _messages(n: int = 300) -> list[str]:
    texts: list[str] = []
    for name, key in (("places.yaml", "find"), ("money.yaml", "find"), ("dates.yaml", "dates")):
        texts += [r["text"] for r in yaml.safe_load((HERE / name).read_text(encoding="utf-8"))[key] if r["text"]]
    out, k = [], 0
    while len(out) < n:
        msg = ""
        while len(msg) < 100:
            msg += texts[k % len(texts)] + "，"
            k += 7
        out.append(msg[:100])
    return out


def main() -> None:
    rss0, t0 = _rss_mb(), time.perf_counter()
    from assistant.lexicon.gazetteer import jionlp

    jionlp()
    t_import = time.perf_counter() - t0
    rss_import = _rss_mb() - rss0

    from assistant.understand import dates, money, percents, places
    from assistant.understand.text import normalise

    t1 = time.perf_counter()
    places.warm_up()
    money.find_money("合同两百来万")
    dates.find_dates("去年7月签的", TODAY)
    t_warm = time.perf_counter() - t1
    print(
        f"import jionlp {t_import:.2f} s (+{rss_import:.0f} MB); warm-up (gazetteer, lexicon, jieba) {t_warm:.2f} s;"
        f" total {t_import + t_warm:.2f} s, RSS +{_rss_mb() - rss0:.0f} MB"
    )

    msgs = [normalise(m) for m in _messages()]
    for label, cold in (("warm caches", False), ("cold caches", True)):
        costs = []
        for m in msgs:
            if cold:
                money._jio_money.cache_clear()
                dates._jio_span.cache_clear()
            start = time.perf_counter()
            places.find_places(m)
            money.find_money(m)
            dates.find_dates(m, TODAY)
            dates.find_terms(m)
            percents.find_percents(m)
            costs.append((time.perf_counter() - start) * 1000)
        costs.sort()
        p95 = costs[int(len(costs) * 0.95) - 1]
        print(
            f"{label}: {len(costs)} messages of 100 characters: median {statistics.median(costs):.2f} ms,"
            f" p95 {p95:.2f} ms, max {costs[-1]:.2f} ms"
        )


if __name__ == "__main__":
    main()
