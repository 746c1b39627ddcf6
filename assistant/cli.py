"""Command line: the first user of the library API. Each command is a thin wrapper.

Heavy modules (chromadb, sentence-transformers, gradio) are imported inside the
handlers so that `--help` and the rules commands start fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


# ---------------------------------------------------------------- knowledge base


def cmd_index(args: argparse.Namespace) -> int:
    from assistant.index import build_index

    report = build_index(rebuild=args.rebuild, progress=not args.quiet)
    for err in report.errors:
        print(f"error: {err.path}: {err.reason}", file=sys.stderr)
    print(report.summary())
    return 0 if not report.errors else 1


def cmd_search(args: argparse.Namespace) -> int:
    from assistant.retrieval import open_retriever

    retriever = open_retriever()
    result = retriever.search(args.query, k=args.k, region=args.region, as_of=args.as_of)
    if args.json:
        _print_json([hit.as_json() for hit in result.hits])
        return 0
    if result.weak:
        print("（证据不足 / weak evidence: nothing clearly relevant was found）")
    for i, hit in enumerate(result.hits, 1):
        c = hit.chunk
        print(f"[{i}] {hit.score:.4f}  {c.meta.title}  {c.locator}  ({c.doc_id}, {c.meta.status})")
        print("    " + c.text[:160].replace("\n", " "))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    if args.what == "retrieval":
        from assistant.evaluation.retrieval import main as run

        return run(json_output=args.json)
    if args.what == "users":
        from assistant.evaluation.users import main as run_users

        return run_users(split=args.split, json_output=args.json)
    from assistant.evaluation.qa import main as run_qa

    return run_qa(json_output=args.json)


# ---------------------------------------------------------------- assistant


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.chat_cli import run_ask

    return run_ask(args)


def cmd_draft(args: argparse.Namespace) -> int:
    from assistant.chat_cli import run_draft

    return run_draft(args)


# ---------------------------------------------------------------- web app and records


def cmd_serve(args: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from assistant.settings import get_settings

    # Before any embedding engine is loaded (OpenMP reads it once); inherited by the workers.
    # An operator's own OMP_NUM_THREADS wins.
    os.environ.setdefault("OMP_NUM_THREADS", str(get_settings().serve_embed_threads))
    from assistant.index import build_index
    from assistant.web import serve

    # Resume whatever a crash left pending (a document half-written, a file added while the
    # server was down) before serving: only changed documents are re-embedded, so this is quick.
    # --no-index: a shared index (Chroma server) is written by one admin process, not by every
    # machine's workers as they start.
    if not args.no_index:
        report = build_index()
        if report.errors:
            print(f"index: {report.summary()}", file=sys.stderr)
    if args.workers:
        # REST only: Gradio's queue ties a UI session to one process, the REST API is stateless.
        from assistant.api import run_workers

        settings = get_settings()
        run_workers(args.host or settings.host, args.port or settings.port, args.workers)
        return 0
    serve(host=args.host, port=args.port)
    return 0


def cmd_export_records(args: argparse.Namespace) -> int:
    from pathlib import Path

    from assistant.records import TABLES, get_records

    records = get_records()
    tables = TABLES if args.table == "all" else (args.table,)
    if args.out == "-":
        if len(tables) > 1:
            print("error: --out - needs --table answers or --table feedback", file=sys.stderr)
            return 2
        records.export_csv(tables[0], sys.stdout)
        return 0
    out = Path(args.out)
    for table in tables:
        target = out / f"{table}.csv" if len(tables) > 1 or out.is_dir() or not out.suffix else out
        n = records.export_csv(table, target)
        print(f"{table}: {n} rows -> {target}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from assistant.evaluation.users import SPLITS as USER_SPLITS

    parser = argparse.ArgumentParser(
        prog="python -m assistant",
        description="算力券 (compute voucher) assistant: cited answers and exact amounts.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("index", help="build or update the search index from corpus/")
    p.add_argument("--rebuild", action="store_true", help="drop the index and build it from scratch")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("search", help="hybrid search over the corpus")
    p.add_argument("query")
    p.add_argument("--region", help="region code or name, e.g. beijing / 北京")
    p.add_argument("--as-of", dest="as_of", help="only texts in force on this date (YYYY-MM-DD)")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("ask", help="ask a question (cited answer, exact amounts); --jsonl for a batch")
    p.add_argument("question", nargs="?", help='the question, e.g. "北京合同额500万元能拿多少算力券？"')
    p.add_argument("--history", action="append", default=[], help="an earlier user message (repeatable, oldest first)")
    p.add_argument("--jsonl", metavar="FILE", help='batch: lines {"id","question","history"} from FILE or - (stdin)')
    p.add_argument("--json", action="store_true", help="print the response as JSON")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("draft", help="draft a formal helpdesk reply to an enquiry")
    p.add_argument("enquiry")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_draft)

    p = sub.add_parser("eval", help="evaluate retrieval, question answering or the users' set")
    p.add_argument("what", choices=["retrieval", "qa", "users"])
    p.add_argument(
        "--split",
        choices=list(USER_SPLITS),
        default="dev",
        help="users only: the development half (default), a held-out half (aggregates only) or dev+heldout",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("serve", help="serve the web app (Gradio + REST API) on loopback by default")
    p.add_argument("--host", default=None, help="interface to listen on (default from settings: 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default from settings: 7860)")
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="serve only the REST API (/api/v1) in N uvicorn worker processes; without it one process "
        "serves the UI and the REST API",
    )
    p.add_argument(
        "--no-index",
        dest="no_index",
        action="store_true",
        help="serve the index as it is; do not update it from corpus/ first (workers of a shared index)",
    )
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("export-records", help="write the audit record and feedback to CSV")
    p.add_argument("--table", choices=["all", "answers", "feedback"], default="all")
    p.add_argument("--out", default="records", help="directory (or a .csv file for one table, - for stdout)")
    p.set_defaults(func=cmd_export_records)

    # Rules engine: calc, programs, eligibility, compare (assistant/rules/cli.py); check
    # (assistant/compliance_cli.py, outside the rules package: no import cycle).
    from assistant.compliance_cli import register as register_check
    from assistant.rules.cli import register as register_rules

    register_rules(sub)
    register_check(sub)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. piped into `head`
        return 0
