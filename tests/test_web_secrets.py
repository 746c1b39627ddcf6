"""What the web app keeps on the machine: the browser-state secret and generated files."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_browser_secret_is_random_kept_private_and_stable(tmp_path):
    from assistant.settings import Settings
    from assistant.web.security import browser_secret

    settings = Settings(records_db=tmp_path / "records.sqlite3")
    first = browser_secret(settings)
    assert len(first) == 64 and first == browser_secret(settings), "the same after a restart"
    kept = tmp_path / "browser-secret"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    other = Settings(records_db=tmp_path / "elsewhere" / "records.sqlite3")
    assert browser_secret(other) != first, "not derived from anything guessable"
    assert browser_secret(Settings(records_db=tmp_path / "r.sqlite3", browser_secret="shared-by-the-ui-fleet")) == (
        "shared-by-the-ui-fleet"
    )


def test_generated_files_are_removed_when_the_server_process_ends(tmp_path):
    code = (
        "from assistant.settings import Settings\n"
        "from assistant.web.context import WebContext\n"
        f"ctx = WebContext(Settings(records_db=r'{tmp_path / 'records.sqlite3'}'))\n"
        "(ctx.new_export_dir() / 'reply.docx').write_bytes(b'x')\n"
        "print(ctx.export_dir)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"},
    )
    assert out.returncode == 0, out.stderr
    export_dir = Path(out.stdout.strip().splitlines()[-1])
    assert export_dir.name.startswith("cv-exports-")
    assert not export_dir.exists()
