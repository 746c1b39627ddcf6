"""Rate limit and admin-token lockout as an attacker meets them (evals/REPORT.md, Reliability).

Starts the web app on 127.0.0.1 over the repo's index (records in a temporary file) with the
default limits, then:
- sends ``--requests`` questions to ``/ask`` as fast as answers come, each through a new
  ``gradio_client.Client`` (a new Gradio session hash every time: the rotation that used to
  lift the limit), and counts answered and refused;
- tries wrong admin tokens from one address, each under a new session hash, through the check
  the Library's upload and delete call, then the right token, then the right token from
  another address.
Prints figures; asserts nothing. Run: ``.venv/bin/python evals/guards.py``.
"""

from __future__ import annotations

import argparse
import secrets
import socket
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUESTION = "北京算力券每年最多补贴多少？"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(host: str) -> SimpleNamespace:
    """What the handlers read from a Gradio request: the peer address and a session hash."""
    return SimpleNamespace(client=SimpleNamespace(host=host), headers={}, session_hash=secrets.token_hex(6))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=40, help="questions sent from one address (default 40)")
    parser.add_argument("--guesses", type=int, default=20, help="wrong admin tokens tried (default 20)")
    args = parser.parse_args(argv)

    import gradio_client

    from assistant.settings import get_settings
    from assistant.web.app import WebContext, build_app, launch

    with tempfile.TemporaryDirectory(prefix="cv-guards-") as tmp:
        settings = get_settings().model_copy(
            update={"records_db": Path(tmp) / "records.sqlite3", "admin_token": secrets.token_urlsafe(16)}
        )
        ctx = WebContext(settings)
        ctx.assistant()
        demo = build_app(ctx=ctx)
        port = _port()
        launch(demo, "127.0.0.1", port, settings, block=False, quiet=True)
        url = f"http://127.0.0.1:{port}/"
        try:
            answered, refused, first_refused, message = 0, 0, None, ""
            started = time.perf_counter()
            for n in range(1, args.requests + 1):
                client = gradio_client.Client(url, verbose=False, ssl_verify=False)  # a fresh session hash
                try:
                    client.predict(QUESTION, api_name="/ask")
                    answered += 1
                except Exception as exc:
                    refused += 1
                    first_refused = first_refused or n
                    message = message or str(exc)
            elapsed = time.perf_counter() - started
            print(
                f"rate limit {settings.rate_limit_per_minute}/min per address: {args.requests} questions from "
                f"127.0.0.1 in {elapsed:.1f} s, each a new Gradio session -> {answered} answered, {refused} "
                f"refused (first refused: #{first_refused}); message: {message[:160]!r}"
            )

            wrong_ok, locked_at = 0, None
            for n in range(1, args.guesses + 1):
                refusal = ctx.admin_refusal(secrets.token_urlsafe(16), _request("203.0.113.7"))
                if refusal and "锁定" in refusal:
                    locked_at = locked_at or n
                elif refusal is None:
                    wrong_ok += 1
            right_locked = ctx.admin_refusal(settings.admin_token, _request("203.0.113.7"))
            right_other = ctx.admin_refusal(settings.admin_token, _request("198.51.100.9"))
            wait = ctx.token_guard.locked_for("203.0.113.7")
            print(
                f"admin token: {args.guesses} wrong tokens from 203.0.113.7, each a new session -> "
                f"{wrong_ok} accepted, locked out from guess #{locked_at} "
                f"(after {settings.admin_max_failures} failures) for {wait:.0f} s; the right token from the "
                f"locked address: {'refused' if right_locked else 'accepted'} ({(right_locked or '')[:80]!r}); "
                f"the right token from another address: {'accepted' if right_other is None else 'refused'}; "
                f"guessing rate per address at most {settings.admin_max_failures} per "
                f"{settings.admin_lockout_s / 60:.0f} min"
            )
        finally:
            demo.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
