"""Answers given on the command line are audited like web answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from assistant.records import Records

ROOT = Path(__file__).resolve().parent.parent


def test_cli_answers_and_batches_are_recorded(real_index_settings, tmp_path):
    db = tmp_path / "audit.sqlite3"
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(real_index_settings.index_dir), "ASSISTANT_RECORDS_DB": str(db)}
    question = "北京算力券每年最多补贴多少？"
    out = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", question, "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    answer = json.loads(out.stdout)["answer"]
    batch = "\n".join(
        json.dumps({"id": i, "question": q}, ensure_ascii=False)
        for i, q in enumerate(["深圳训力券比例是多少", "今天天气怎么样"])
    )
    subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "--jsonl", "-"],
        cwd=ROOT,
        env=env,
        input=batch,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    rows = Records(db).rows("answers")
    assert [r["channel"] for r in rows].count("cli") == 1
    assert [r["channel"] for r in rows].count("cli-batch") == 2
    first = next(r for r in rows if r["channel"] == "cli")
    assert first["question"] == question and first["answer"] == answer
    assert first["corpus_version"] and first["rules_version"]
    assert "beijing-municipal-2023" in first["citations"]
