"""REST load: closed-loop sessions against ``POST /api/v1/ask`` of ``serve --workers N`` (prints figures).

Why beside evals/load.py: that script drives the Gradio UI's queue, which one process serves;
this one measures what several uvicorn workers add. The conversations are load.py's own (users'
wording, follow-ups sent with their ``history``), so the two sets of figures are comparable.
Each session is one keep-alive HTTP connection that sends its next question as soon as the
previous answer arrives. The server is started per ``--workers`` value on 127.0.0.1 with a free
port, the rate limit lifted, and its audit records in a temporary file.

    .venv/bin/python evals/rest_load.py --workers 1,2 --sessions 8 --seconds 30
    .venv/bin/python evals/rest_load.py --no-index --env ASSISTANT_CHROMA_HOST=127.0.0.1 \\
        --env ASSISTANT_CHROMA_PORT=8000 --env ASSISTANT_RECORDS_URL=postgresql://cv@127.0.0.1:5432/records
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _load_module() -> Any:
    """evals/load.py (not a package): its conversations and percentile."""
    spec = importlib.util.spec_from_file_location("cv_load", ROOT / "evals" / "load.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


_LOAD = _load_module()  # its conversations, percentile and the served-process base


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (the uvicorn supervisor and its workers)."""
    parents: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                parents[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += [c for c, pp in parents.items() if pp == p]
    return out


def _cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:13]) / os.sysconf("SC_CLK_TCK")  # utime stime
    except (OSError, ValueError, IndexError):
        return 0.0


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


class RestServer(_LOAD.ServedProcess):
    """``python -m assistant serve --workers N`` (the REST API only)."""

    def __init__(
        self,
        workers: int,
        env: dict[str, str] | None = None,
        startup_timeout: float = 600.0,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        self._launch("cv-rest-", ("--workers", str(workers), *extra_args), env)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + startup_timeout
        while not self._ready(workers):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop(keep_files=True)
                raise RuntimeError(f"server not ready; see {self.log_path}:\n" + self.log_text()[-3000:])
            time.sleep(0.5)

    def _ready(self, workers: int) -> bool:
        """Health answers and (for N > 1) the N workers exist: each loads before it accepts."""
        try:
            with urllib.request.urlopen(self.url + "/api/v1/health", timeout=2) as r:
                ok = r.status == 200
        except (urllib.error.URLError, OSError):
            return False
        return ok and (workers == 1 or len(self.worker_pids()) >= workers)

    def pids(self) -> list[int]:
        return _tree(self.proc.pid)

    def worker_pids(self) -> list[int]:
        """The uvicorn workers (spawned children; not multiprocessing's resource tracker)."""
        out = []
        for p in self.pids():
            try:
                if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes():
                    out.append(p)
            except OSError:
                continue
        return out

    def cpu_seconds(self) -> float:
        return sum(_cpu_s(p) for p in self.pids())

    def rss_mb(self) -> dict[int, float]:
        return {p: round(_rss_mb(p)) for p in self.pids()}


def post_json(url: str, body: dict[str, Any], timeout: float = 120.0) -> tuple[int, dict[str, Any]]:
    req = urllib.request.Request(
        url, data=json.dumps(body, ensure_ascii=False).encode(), headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def run(url: str, sessions: int, seconds: float, seed: int = 7) -> dict[str, Any]:
    """``sessions`` closed-loop sessions for ``seconds``; answers/s and latency percentiles."""
    import httpx

    load = _LOAD
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def session(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        with httpx.Client(base_url=url, timeout=120.0) as client:
            while time.monotonic() < deadline:
                history: list[str] = []
                for turn in rng.choice(load.CONVERSATIONS).turns:
                    if time.monotonic() >= deadline:
                        return
                    t = time.perf_counter()
                    r = client.post("/api/v1/ask", json={"question": turn.question, "history": history})
                    took = time.perf_counter() - t
                    problem = None if r.status_code == 200 else f"HTTP {r.status_code}"
                    problem = problem or load.check_response(r.json(), turn)
                    with lock:
                        if problem:
                            errors.append(f"{turn.question[:40]!r} after {len(history)} turns: {problem}")
                        else:
                            latencies.append(took)
                    history.append(turn.question)

    start = time.monotonic()
    threads = [threading.Thread(target=session, args=(i,), daemon=True) for i in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 180)
    elapsed = time.monotonic() - start
    return {
        "sessions": sessions,
        "elapsed_s": round(elapsed, 1),
        "answers": len(latencies),
        "errors": len(errors),
        "error_examples": errors[:3],
        "answers_per_s": round(len(latencies) / elapsed, 2),
        "p50_s": round(load.percentile(latencies, 0.5), 3),
        "p95_s": round(load.percentile(latencies, 0.95), 3),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts; one server each")
    ap.add_argument("--sessions", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--warmup", type=float, default=5.0, help="seconds of load before measuring")
    ap.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="server setting, e.g. ASSISTANT_CHROMA_HOST=127.0.0.1 or ASSISTANT_RECORDS_URL=postgresql://...",
    )
    ap.add_argument("--no-index", action="store_true", help="start the workers with --no-index (a shared index)")
    args = ap.parse_args(argv)
    env = dict(kv.split("=", 1) for kv in args.env)
    rows = []
    for n in [int(x) for x in args.workers.split(",")]:
        t = time.perf_counter()
        server = RestServer(n, env=env, extra_args=("--no-index",) if args.no_index else ())
        ready = time.perf_counter() - t
        try:
            if args.warmup:
                run(server.url, args.sessions, args.warmup)
            cpu0, own0 = server.cpu_seconds(), time.process_time()
            per0 = {p: _cpu_s(p) for p in server.worker_pids()}
            figures = run(server.url, args.sessions, args.seconds)
            # How evenly the kernel spread the keep-alive connections over the workers' shared socket.
            figures["worker_cpu_cores"] = [round((_cpu_s(p) - c) / figures["elapsed_s"], 2) for p, c in per0.items()]
            server_cpu = server.cpu_seconds() - cpu0
            figures["server_cpu_cores"] = round(server_cpu / figures["elapsed_s"], 2)
            # The load generator shares the machine: its CPU is CPU the workers did not get.
            figures["client_cpu_cores"] = round((time.process_time() - own0) / figures["elapsed_s"], 2)
            figures["answers_per_server_cpu_s"] = round(figures["answers"] / server_cpu, 1) if server_cpu else None
            figures["loadavg_1m"] = os.getloadavg()[0]
            figures.update(workers=n, ready_s=round(ready, 1), rss_mb=server.rss_mb())
        finally:
            server.stop(keep_files=False)
        rows.append(figures)
        print(json.dumps(figures, ensure_ascii=False), flush=True)
    print(
        "\n| workers | answers/s | p50 s | p95 s | errors | server CPU (cores) | answers per server CPU-s "
        "| client CPU (cores) | load avg | RSS MB per process |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for f in rows:
        rss = ", ".join(str(v) for v in f["rss_mb"].values())
        print(
            f"| {f['workers']} | {f['answers_per_s']} | {f['p50_s']} | {f['p95_s']} | {f['errors']} | "
            f"{f['server_cpu_cores']} | {f['answers_per_server_cpu_s']} | {f['client_cpu_cores']} | "
            f"{f['loadavg_1m']:.1f} | {rss} |"
        )
    _print_ratios(rows)
    return 1 if any(f["errors"] for f in rows) else 0


def _print_ratios(rows: list[dict[str, Any]]) -> None:
    """Each worker count against the smallest, by the mean of its runs, and pair by pair when the
    counts were interleaved (``--workers 1,2,1,2``): on a shared machine the spread between pairs
    says how much a single ratio can be trusted."""
    by_count: dict[int, list[float]] = {}
    for f in rows:
        by_count.setdefault(f["workers"], []).append(f["answers_per_s"])
    if len(by_count) < 2:
        return
    base = min(by_count)
    base_mean = sum(by_count[base]) / len(by_count[base])
    for n in sorted(by_count)[1:]:
        mean = sum(by_count[n]) / len(by_count[n])
        pairs = [
            later["answers_per_s"] / earlier["answers_per_s"]
            for earlier, later in zip(rows, rows[1:])
            if earlier["workers"] == base and later["workers"] == n and earlier["answers_per_s"]
        ]
        each = f" (pairs: {', '.join(f'{r:.2f}' for r in pairs)})" if len(pairs) > 1 else ""
        print(f"\n{n} vs {base} workers: {mean / base_mean:.2f}x by the mean answers/s of each{each}")


if __name__ == "__main__":
    sys.exit(main())
