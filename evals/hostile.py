"""Hostile files through ingestion, with figures: how many, crashes, hangs, the longest time and
the largest memory any one file took (evals/REPORT.md, Reliability).

Every file goes through ``load_file`` as an admin's document upload (the library's limits) and,
if it is a PDF, also as the anonymous compliance contract upload (``CONTRACT_PDF_LIMITS``). A
crash is any exception other than ``IngestError``; a hang is a file still running past its time
limit plus 10 s (it is then stopped by an alarm). Memory: the peak RSS of this process and of the
largest PDF-extraction child (the kernel reports a child's peak when it is reaped; the file that
raised it is named). Run: ``.venv/bin/python evals/hostile.py [--per-kind 200]``.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import signal
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.chunking import chunk_document  # noqa: E402
from assistant.ingest import CONTRACT_PDF_LIMITS, IngestError, PdfLimits, load_file  # noqa: E402
from assistant.settings import get_settings  # noqa: E402


class Hang(BaseException):
    """Raised by the alarm: not an Exception, so the code under test cannot swallow it."""


@dataclass
class Tally:
    files: int = 0
    loaded: int = 0
    refused: int = 0
    crashes: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    max_s: float = 0.0
    slowest: str = ""


def _seed_pdf() -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("STSong-Light", 12)
    for i, line in enumerate(["第一条 算力券按合同金额的20%支持。", "第二条 每家企业每年最高200万元。"]):
        c.drawString(60, 800 - 20 * i, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def _amplification(pages: int, lines: int = 400) -> bytes:
    """The issue's attack: every page references one heavy page (as tests/test_ingest.py builds)."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica", 4)
    for i in range(lines):
        c.drawString(10, 10 + (i % 200) * 4, "compute voucher amplification " * 6)
    c.save()
    page = PdfReader(io.BytesIO(buf.getvalue())).pages[0]
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _flate_bomb(megabytes: int) -> bytes:
    """One page whose content stream inflates from a few MB to ``megabytes`` MB of text
    operators: memory and time, not pages or characters on disk."""
    line = b"BT /F1 4 Tf 10 10 Td (compute voucher) Tj ET\n" * 20_000
    packer = zlib.compressobj(9)
    parts = [packer.compress(line) for _ in range(megabytes * 1024 * 1024 // len(line))]
    stream = b"".join(parts) + packer.flush()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Root 1 0 R /Size %d >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def generate(per_kind: int, seed: int) -> Iterator[tuple[str, str, bytes]]:
    """(kind, file name, bytes), the same files for the same seed."""
    rnd = random.Random(seed)
    pdf = _seed_pdf()
    for n in range(per_kind):
        yield "random bytes", f"r{n}{rnd.choice(['.pdf', '.md', '.txt'])}", rnd.randbytes(rnd.randint(1, 4096))
    for n in range(per_kind):
        data = bytearray(pdf)
        for _ in range(rnd.randint(1, 12)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        if rnd.random() < 0.5:
            data = data[: rnd.randrange(1, len(data))]
        yield "mutated PDF", f"m{n}.pdf", bytes(data)
    junk = ["2024-02-30", "not-a-date", "[unclosed", "{a: b", "- x\n- y", ":::", "&anchor", "*alias", "!!python/object"]
    keys = ["id", "title", "region", "status", "issued", "effective_from", "effective_to", "sources", "junk"]
    for n in range(per_kind):
        lines = [f"{rnd.choice(keys)}: {rnd.choice(junk)}" for _ in range(rnd.randint(0, 6))]
        close = "\n---\n" if rnd.random() < 0.7 else "\n"
        yield "broken front matter", f"f{n}.md", ("---\n" + "\n".join(lines) + close + "第一条 正文。").encode()
    for n in range(per_kind):
        text = "第一条 算力券补贴比例为20%。" * rnd.randint(1, 2000)
        kind = rnd.choice(["huge-line", "gbk", "utf16", "latin1", "nul", "labels"])
        data = {
            "huge-line": lambda t: t.replace("。", "，").encode(),
            "gbk": lambda t: t.encode("gbk"),
            "utf16": lambda t: t.encode("utf-16"),
            "latin1": lambda t: t.encode("utf-8").decode("latin-1").encode("latin-1"),
            "nul": lambda t: t.encode().replace(b"\xe7", b"\x00"),
            "labels": lambda t: ("第一条\n" * 5000).encode(),
        }[kind](text)
        yield "text encodings and huge lines", f"t{n}-{kind}.{rnd.choice(['md', 'txt'])}", data
    for pages in (150, 1500, 3000):
        yield "amplification PDF", f"amplify-{pages}p.pdf", _amplification(pages)
    yield "amplification PDF", "amplify-heavy-600p.pdf", _amplification(600, lines=1200)
    for mb in (20, 200, 1000):
        yield "flate bomb PDF", f"bomb-{mb}mb.pdf", _flate_bomb(mb)


def _on_alarm(signum, frame):
    raise Hang()


def run_one(path: Path, limits: PdfLimits | None, max_bytes: int) -> tuple[str, float]:
    """'loaded' | 'refused' | 'crash: ...' | 'hang', and the wall time."""
    budget = (limits or PdfLimits()).timeout_s + 10
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, budget)
    started = time.perf_counter()
    try:
        chunk_document(load_file(path, max_bytes=max_bytes, pdf_limits=limits))
        outcome = "loaded"
    except IngestError:
        outcome = "refused"
    except Hang:
        outcome = "hang"
    except Exception as exc:  # a crash: what this script exists to find
        outcome = f"crash: {exc.__class__.__name__}: {str(exc)[:120]}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return outcome, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-kind", type=int, default=200, help="files of each generated kind (default 200)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args(argv)
    max_bytes = get_settings().max_upload_bytes
    baseline_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tallies: dict[str, Tally] = {}
    child_peak = (0, "")
    with tempfile.TemporaryDirectory(prefix="cv-hostile-") as tmp:
        for kind, name, data in generate(args.per_kind, args.seed):
            path = Path(tmp) / name
            path.write_bytes(data)
            runs: list[tuple[str, PdfLimits | None]] = [("document", None)]
            if path.suffix == ".pdf":
                runs.append(("contract", CONTRACT_PDF_LIMITS))
            for door, limits in runs:
                tally = tallies.setdefault(f"{kind} ({door})", Tally())
                outcome, seconds = run_one(path, limits, max_bytes)
                tally.files += 1
                if outcome == "loaded":
                    tally.loaded += 1
                elif outcome == "refused":
                    tally.refused += 1
                elif outcome == "hang":
                    tally.hangs.append(name)
                else:
                    tally.crashes.append(f"{name}: {outcome}")
                if seconds > tally.max_s:
                    tally.max_s, tally.slowest = seconds, f"{name} ({len(data):,} bytes)"
                peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                if peak > child_peak[0]:
                    child_peak = (peak, f"{name} as {door}")
            path.unlink()
    parent_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "runs": sum(t.files for t in tallies.values()),
        "crashes": sum(len(t.crashes) for t in tallies.values()),
        "hangs": sum(len(t.hangs) for t in tallies.values()),
        "max_s": round(max(t.max_s for t in tallies.values()), 2),
        "parent_rss_at_start_mb": round(baseline_mb),
        "parent_peak_rss_mb": round(parent_peak_mb),
        "extraction_child_peak_rss_mb": round(child_peak[0] / 1024),
        "child_peak_file": child_peak[1],
        "kinds": {k: {**t.__dict__, "max_s": round(t.max_s, 2)} for k, t in tallies.items()},
    }
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        print("| kind (door) | runs | loaded | refused | crashes | hangs | max time s | slowest file |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for k, t in tallies.items():
            print(
                f"| {k} | {t.files} | {t.loaded} | {t.refused} | {len(t.crashes)} | {len(t.hangs)} | "
                f"{t.max_s:.2f} | {t.slowest} |"
            )
        print(
            f"\n{figures['runs']} runs, {figures['crashes']} crashes, {figures['hangs']} hangs, longest "
            f"{figures['max_s']} s; peak RSS: this process {figures['parent_peak_rss_mb']} MB (at start "
            f"{figures['parent_rss_at_start_mb']} MB), largest extraction "
            f"child {figures['extraction_child_peak_rss_mb']} MB ({figures['child_peak_file']})"
        )
        for t in tallies.values():
            for line in t.crashes + [f"{h}: hang" for h in t.hangs]:
                print("  ", line)
    return 1 if figures["crashes"] or figures["hangs"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
