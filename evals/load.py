"""Load test: N concurrent chat sessions against the web app's ``/ask`` endpoint (prints figures).

Each session is one ``gradio_client.Client`` (its own Gradio session, so its own rate-limit
bucket) that holds conversations written the way users ask: calculations with amounts,
facts, follow-ups that rely on the earlier turns (sent as ``history``, as the chat tab does),
comparisons, compliance questions and English. A session sends its next question as soon as
the previous answer arrives (``--think 0``, the default: a closed loop with no pause, harsher
than people typing) until ``--seconds`` have passed or ``--max-requests`` were sent; requests
still in flight then finish (each bounded by ``--timeout``).

An error is any of: an exception from the client (HTTP error, ``gr.Error``, queue full,
timeout), a response that is not a JSON object with a non-empty ``answer`` and the keys of
``ask --json``, or an answer missing a figure it must contain (a few turns carry the amount
the deterministic calculator gives, so answers mixed up between sessions would show).

Without ``--url`` the script starts the app itself (``python -m assistant serve`` on
127.0.0.1, a free port, the index in ASSISTANT_INDEX_DIR or ``index/``, audit records in a
temporary file) with ``ASSISTANT_RATE_LIMIT_PER_MINUTE=1000000``: the per-session limit
(default 30 a minute) would otherwise turn a closed-loop session into rate-limit errors after
its 30th question. ``--concurrency 1,2,4,8`` starts one server per value (env
``ASSISTANT_CONCURRENCY_LIMIT``) and prints a comparison. Only loopback addresses are driven.

    .venv/bin/python evals/load.py --sessions 20 --seconds 60 --concurrency 1,2,4,8
    .venv/bin/python evals/load.py --url http://127.0.0.1:7860/ --sessions 20 --seconds 60
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
ANSWER_KEYS = {"answer", "citations", "tool_calls", "refused", "language", "missing_facts", "warnings"}


@dataclass(frozen=True)
class Turn:
    question: str
    expect: tuple[str, ...] = ()  # substrings the answer must contain


@dataclass(frozen=True)
class Conversation:
    category: str
    turns: tuple[Turn, ...]


def _c(category: str, *turns: str | tuple[str, tuple[str, ...]]) -> Conversation:
    return Conversation(category, tuple(Turn(t) if isinstance(t, str) else Turn(t[0], t[1]) for t in turns))


# Questions as users write them. Expected figures come from the rules (beijing-municipal: 20%,
# 200万 a year; E-Town official 2024-11 text: 30%; Shanghai: see programs/); they are checked once
# sequentially before the clock starts, so a wording change in the composer shows as a
# "preflight" failure, not as load errors.
CONVERSATIONS: list[Conversation] = [
    _c(
        "calculation", ("我们是北京注册的软件企业，向非关联方租用智能算力，合同额500万元，能拿多少算力券？", ("100万",))
    ),
    _c("calculation", ("北京的公司，算力合同1500万，今年能补多少", ("200万",))),
    _c("calculation", "我们在北京经开区，用的是国产算力，这次结算了50万元，能抵扣多少？"),
    _c("calculation", "上海企业买了300万的智能算力服务，大概能拿多少补贴？"),
    _c("calculation", "成都算力券 合同金额80万 可以补贴多少钱"),
    _c("calculation", "深圳公司租了两百万的GPU算力，能申请多少券"),
    _c("fact", "北京算力券每年最多补贴多少？"),
    _c("fact", "算力券可以转让给其他企业吗？"),
    _c("fact", "上海算力券的补贴比例是多少？"),
    _c("fact", "贵州的算力券政策什么时候开始实施的"),
    _c("fact", "算力卷是什么东西，谁发的"),
    _c("process", "北京算力券怎么申请，需要准备哪些材料？"),
    _c("eligibility", "我们是外地注册的公司，在北京有分公司，能申请北京的算力券吗？"),
    _c("eligibility", "初创企业在杭州能不能领算力券"),
    _c("comparison", "上海和北京的算力券有什么区别？"),
    _c("comparison", "合同额500万，在北京和上海分别能拿多少？"),
    _c("comparison", "哪个城市的算力券补贴比例最高？"),
    _c("compliance", "我们能把领到的算力券转卖给别的公司吗？"),
    _c("compliance", "供应商是我们的关联公司，这个合同还能申请算力券吗？"),
    _c("compliance", "算力服务商说可以返点给我们，这样申领合规吗"),
    _c("english", "How much can a Shanghai company get from the compute voucher?"),
    _c(
        "english",
        (
            "We are a Beijing software company with a 5 million yuan compute contract. How much voucher do we get?",
            ("1,000,000",),
        ),
    ),
    _c("english", "Can a company registered outside Beijing apply for the Beijing compute voucher?"),
    _c(
        "multi_turn",
        "我们是北京注册的软件企业。",
        ("向非关联方租用智能算力，合同额500万元，能拿多少？", ("100万",)),
        "如果合同是1500万呢？",
    ),
    _c("multi_turn", "我们在北京经开区，用的是国产算力。", "这次结算了50万元，能抵扣多少？", "那非国产的呢？"),
    _c("multi_turn", "上海的算力券补贴比例是多少？", "那北京呢？", "两者的年度上限分别是多少？"),
    _c("multi_turn", "I run a start-up in Hangzhou.", "Can we get a compute voucher?", "How do we apply?"),
    _c("refusal", "今天天气怎么样？"),
    _c("refusal", "火星的算力券能补贴多少？"),
]


# ------------------------------------------------------------------------------ figures


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, int(-(-q * len(ordered) // 1)))  # ceil(q * n), at least 1
    return ordered[min(len(ordered), rank) - 1]


@dataclass
class LoadResult:
    url: str
    sessions: int
    seconds: float
    think_s: float
    elapsed_s: float = 0.0
    latencies_s: list[float] = field(default_factory=list)  # successful requests
    errors: Counter = field(default_factory=Counter)  # kind -> count
    error_examples: dict[str, str] = field(default_factory=dict)
    by_category: dict[str, list[float]] = field(default_factory=dict)
    responses: list[dict[str, Any]] = field(default_factory=list)  # kept only when asked
    server: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> int:
        return len(self.latencies_s)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def requests(self) -> int:
        return self.ok + self.error_count

    def summary(self) -> dict[str, Any]:
        lat = self.latencies_s
        out = {
            "url": self.url,
            "sessions": self.sessions,
            "seconds": self.seconds,
            "think_s": self.think_s,
            "elapsed_s": round(self.elapsed_s, 1),
            "requests": self.requests,
            "ok": self.ok,
            "errors": self.error_count,
            "error_kinds": dict(self.errors),
            "throughput_rps": round(self.ok / self.elapsed_s, 2) if self.elapsed_s else 0.0,
            "p50_s": round(percentile(lat, 0.50), 3),
            "p95_s": round(percentile(lat, 0.95), 3),
            "p99_s": round(percentile(lat, 0.99), 3),
            "max_s": round(max(lat), 3) if lat else None,
            "mean_s": round(statistics.fmean(lat), 3) if lat else None,
            "by_category": {
                k: {"n": len(v), "p50_s": round(percentile(v, 0.5), 3), "p95_s": round(percentile(v, 0.95), 3)}
                for k, v in sorted(self.by_category.items())
            },
        }
        out.update(self.server)
        return out


def check_response(data: Any, turn: Turn | None = None) -> str | None:
    """None when ``data`` is a well-formed answer; else what is wrong with it."""
    if not isinstance(data, dict):
        return f"not a JSON object: {type(data).__name__}"
    missing = ANSWER_KEYS - set(data)
    if missing:
        return f"missing keys: {sorted(missing)}"
    if not isinstance(data["answer"], str) or not data["answer"].strip():
        return "empty answer"
    if not isinstance(data["citations"], list) or not isinstance(data["tool_calls"], list):
        return "citations/tool_calls are not lists"
    try:
        json.dumps(data, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        return f"not serialisable: {exc}"
    if turn is not None:
        absent = [e for e in turn.expect if e not in data["answer"]]
        if absent:
            return f"answer lacks {absent}"
    return None


# ------------------------------------------------------------------------------ driving


def require_loopback(url: str) -> None:
    host = urlparse(url).hostname or ""
    try:
        ok = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        raise SystemExit(f"refusing to load {url}: only loopback addresses (127.0.0.1) are driven")


def make_client(url: str):
    from gradio_client import Client

    # ssl_verify only matters for https. gradio_client opens a new httpx client for each request,
    # and with verification on each one loads the CA bundle: ~0.1 s of client CPU a request,
    # which on a 2-core machine would be taken from the server being measured.
    return Client(url, verbose=False, download_files=False, ssl_verify=urlparse(url).scheme == "https")


def _session_loop(
    idx: int,
    client,
    conversations: list[Conversation],
    deadline: float,
    think: float,
    seed: int,
    timeout: float,
    budget: _Budget,
    result: LoadResult,
    lock: threading.Lock,
    keep_responses: bool,
) -> None:
    rng = random.Random(seed * 1000 + idx)
    if think:
        time.sleep(rng.uniform(0, think))  # users do not all press Enter in the same millisecond
    while time.monotonic() < deadline:
        conv = rng.choice(conversations)
        history: list[str] = []
        for turn in conv.turns:
            if time.monotonic() >= deadline or not budget.take():
                return
            started = time.perf_counter()
            problem, kind, data = None, None, None
            try:
                data = client.submit(turn.question, history, api_name="/ask").result(timeout=timeout)
                problem = check_response(data, turn)
                kind = "malformed" if problem and not problem.startswith("answer lacks") else "wrong_answer"
            except Exception as exc:  # noqa: BLE001 - every failure is counted, none ends the run
                problem, kind = f"{exc.__class__.__name__}: {str(exc)[:200]}", exc.__class__.__name__
            latency = time.perf_counter() - started
            with lock:
                if problem:
                    result.errors[kind] += 1
                    result.error_examples.setdefault(kind, f"{turn.question[:40]!r}: {problem}")
                else:
                    result.latencies_s.append(latency)
                    result.by_category.setdefault(conv.category, []).append(latency)
                if keep_responses:
                    result.responses.append(
                        {
                            "session": idx,
                            "question": turn.question,
                            "history": list(history),
                            "data": data,
                            "problem": problem,
                        }
                    )
            if problem and kind != "wrong_answer":
                break  # a broken conversation starts over
            history.append(turn.question)
            if think:
                time.sleep(rng.uniform(0.5 * think, 1.5 * think))


class _Budget:
    """At most ``n`` requests in all (None: unbounded)."""

    def __init__(self, n: int | None) -> None:
        self.n = n
        self._lock = threading.Lock()

    def take(self) -> bool:
        if self.n is None:
            return True
        with self._lock:
            if self.n <= 0:
                return False
            self.n -= 1
            return True


def run_load(
    url: str,
    sessions: int = 20,
    seconds: float = 60.0,
    *,
    think: float = 0.0,
    seed: int = 7,
    timeout: float = 60.0,
    max_requests: int | None = None,
    conversations: list[Conversation] | None = None,
    keep_responses: bool = False,
) -> LoadResult:
    """Drive ``sessions`` concurrent sessions against ``url`` for ``seconds``; returns the figures."""
    require_loopback(url)
    conversations = conversations or CONVERSATIONS
    clients = [make_client(url) for _ in range(sessions)]  # connecting is not part of the measurement
    result = LoadResult(url=url, sessions=sessions, seconds=seconds, think_s=think)
    lock = threading.Lock()
    budget = _Budget(max_requests)
    start = time.monotonic()
    deadline = start + seconds
    threads = [
        threading.Thread(
            target=_session_loop,
            name=f"session-{i}",
            daemon=True,
            args=(i, clients[i], conversations, deadline, think, seed, timeout, budget, result, lock, keep_responses),
        )
        for i in range(sessions)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + timeout + 30)
    result.elapsed_s = time.monotonic() - start
    hung = sum(t.is_alive() for t in threads)
    if hung:
        result.errors["hung_session"] += hung
    for c in clients:
        try:
            c.close()
        except Exception:  # noqa: BLE001
            pass
    return result


def preflight(url: str, conversations: list[Conversation] | None = None) -> list[str]:
    """Every conversation once, in order, one client: what fails before any load is applied."""
    client = make_client(url)
    problems = []
    for conv in conversations or CONVERSATIONS:
        history: list[str] = []
        for turn in conv.turns:
            try:
                problem = check_response(client.predict(turn.question, history, api_name="/ask"), turn)
            except Exception as exc:  # noqa: BLE001
                problem = f"{exc.__class__.__name__}: {exc}"
            if problem:
                problems.append(f"{turn.question!r}: {problem}")
            history.append(turn.question)
    return problems


# ------------------------------------------------------------------------------ the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process and its reaped children (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
        return ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return None


class ServedProcess:
    """``python -m assistant serve`` on 127.0.0.1 in a child process: its port, work directory
    (audit records, log) and stop. The Gradio load run (``Server``) and the REST run
    (``evals/rest_load.py``) differ only in the arguments and in how they wait for it."""

    def _launch(self, prefix: str, args: tuple[str, ...], env: dict[str, str] | None) -> None:
        self.port = free_port()
        self.workdir = Path(tempfile.mkdtemp(prefix=prefix))
        self.records_db = self.workdir / "records.sqlite3"
        self.log_path = self.workdir / "server.log"
        full_env = {
            **os.environ,
            "GRADIO_ANALYTICS_ENABLED": "False",
            "HF_HUB_OFFLINE": "1",
            "ASSISTANT_RATE_LIMIT_PER_MINUTE": "1000000",
            "ASSISTANT_RECORDS_DB": str(self.records_db),
            "ASSISTANT_LOG_LEVEL": "WARNING",
            **(env or {}),
        }
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", "serve", "--host", "127.0.0.1", "--port", str(self.port), *args],
            cwd=ROOT,
            env=full_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, keep_files: bool = False) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        if not keep_files:
            shutil.rmtree(self.workdir, ignore_errors=True)


class Server(ServedProcess):
    """The web app (Gradio queue and REST routes in one process)."""

    def __init__(
        self,
        concurrency: int | None = None,
        queue: int | None = None,
        env: dict[str, str] | None = None,
        startup_timeout: float = 600.0,
    ) -> None:
        limits = {}
        if concurrency is not None:
            limits["ASSISTANT_CONCURRENCY_LIMIT"] = str(concurrency)
        if queue is not None:
            limits["ASSISTANT_QUEUE_MAX_SIZE"] = str(queue)
        self.concurrency, self.queue = concurrency, queue
        self._launch("cv-load-", (), {**(env or {}), **limits})
        self.url = f"http://127.0.0.1:{self.port}/"
        deadline = time.monotonic() + startup_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"the server exited with {self.proc.returncode}; see {self.log_path}:\n"
                    + self.log_path.read_text(errors="replace")[-3000:]
                )
            try:
                with urllib.request.urlopen(self.url + "config", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                self.stop(keep_files=True)
                raise RuntimeError(f"the server did not answer within {startup_timeout:.0f} s; see {self.log_path}")
            time.sleep(0.5)

    def cpu_seconds(self) -> float | None:
        return _cpu_seconds(self.proc.pid)

    def peak_rss_mb(self) -> float | None:
        return _rss_mb(self.proc.pid)


# ------------------------------------------------------------------------------ command line


def _print(summary: dict[str, Any], examples: dict[str, str]) -> None:
    s = summary
    head = (
        f"concurrency_limit={s['concurrency_limit']} queue={s['queue_max_size']} " if "concurrency_limit" in s else ""
    )
    print(
        f"{head}sessions={s['sessions']} think={s['think_s']}s for {s['elapsed_s']} s: "
        f"{s['requests']} requests, {s['ok']} ok, {s['errors']} errors, {s['throughput_rps']} answers/s; "
        f"latency p50 {s['p50_s']} s, p95 {s['p95_s']} s, p99 {s['p99_s']} s, max {s['max_s']} s"
    )
    if "server_cpu_cores" in s:
        print(f"    server CPU {s['server_cpu_cores']} cores on average, peak RSS {s['server_peak_rss_mb']} MB")
    for kind, n in s["error_kinds"].items():
        print(f"    error {kind} x{n}: {examples.get(kind, '')}")
    cats = ", ".join(f"{k} {v['n']}×p95 {v['p95_s']}" for k, v in s["by_category"].items())
    print(f"    by category: {cats}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--url", help="an app already running on loopback (default: start one)")
    ap.add_argument("--sessions", type=int, default=20, help="concurrent chat sessions (default 20)")
    ap.add_argument("--seconds", type=float, default=60.0, help="how long new requests are sent (default 60)")
    ap.add_argument("--max-requests", type=int, default=None, help="stop after this many requests in all")
    ap.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean pause between a session's turns in seconds (default 0: closed loop)",
    )
    ap.add_argument("--timeout", type=float, default=60.0, help="per-request timeout, s (default 60)")
    ap.add_argument(
        "--concurrency", default=None, help="comma-separated concurrency_limit values; one server each (not with --url)"
    )
    ap.add_argument("--queue", type=int, default=None, help="queue_max_size of the started server")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-preflight", action="store_true", help="skip the sequential check of every conversation")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON lines")
    args = ap.parse_args(argv)

    if args.url and args.concurrency:
        ap.error("--concurrency starts its own servers; it cannot be combined with --url")
    levels: list[int | None] = [int(x) for x in args.concurrency.split(",")] if args.concurrency else [None]
    summaries = []
    failed = False
    for level in levels:
        server = None
        try:
            if args.url:
                url = args.url
                require_loopback(url)
            else:
                t = time.perf_counter()
                server = Server(concurrency=level, queue=args.queue)
                url = server.url
                if not args.json:
                    print(
                        f"server on {url} (ASSISTANT_RATE_LIMIT_PER_MINUTE=1000000, concurrency_limit="
                        f"{level if level is not None else 'default'}) ready in {time.perf_counter() - t:.1f} s",
                        flush=True,
                    )
            if not args.no_preflight:
                problems = preflight(url)
                if problems:
                    failed = True
                    print("preflight failures (one session, no load):", *problems, sep="\n  ", file=sys.stderr)
            cpu0 = server.cpu_seconds() if server else None
            result = run_load(
                url,
                args.sessions,
                args.seconds,
                think=args.think,
                seed=args.seed,
                timeout=args.timeout,
                max_requests=args.max_requests,
            )
            if server:
                from assistant.settings import Settings

                defaults = Settings()
                result.server = {
                    "concurrency_limit": level if level is not None else defaults.concurrency_limit,
                    "queue_max_size": args.queue or defaults.queue_max_size,
                }
                cpu1 = server.cpu_seconds()
                if cpu0 is not None and cpu1 is not None and result.elapsed_s:
                    result.server["server_cpu_cores"] = round((cpu1 - cpu0) / result.elapsed_s, 2)
                result.server["server_peak_rss_mb"] = round(server.peak_rss_mb() or 0)
            summary = result.summary()
            summaries.append(summary)
            failed = failed or result.error_count > 0
            if args.json:
                print(json.dumps(summary, ensure_ascii=False), flush=True)
            else:
                _print(summary, result.error_examples)
        finally:
            if server:
                server.stop(keep_files=failed)
                if failed:
                    print(f"server log kept: {server.log_path}", file=sys.stderr)
    if len(summaries) > 1 and not args.json:
        print("\n| concurrency_limit | answers/s | p50 s | p95 s | p99 s | errors | server CPU (cores) |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for s in summaries:
            print(
                f"| {s.get('concurrency_limit')} | {s['throughput_rps']} | {s['p50_s']} | {s['p95_s']} | "
                f"{s['p99_s']} | {s['errors']} | {s.get('server_cpu_cores', '—')} |"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
