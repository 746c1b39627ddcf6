"""What every page shares: the loaded assistant, records, rate limiter, admin-token guard, and
small helpers for reading form values. Pages get one ``WebContext`` and talk to the library
through it, so no page loads its own copy of the index."""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.live import LiveAssistant
from assistant.records import get_records
from assistant.settings import Settings, get_settings
from assistant.web import render
from assistant.web.security import MAX_ENQUIRY_CHARS as MAX_ENQUIRY_CHARS  # limits live with the guards
from assistant.web.security import MAX_HISTORY as MAX_HISTORY
from assistant.web.security import MAX_QUESTION_CHARS as MAX_QUESTION_CHARS
from assistant.web.security import RateLimiter, TokenGuard, client_key, token_ok
from assistant.web.security import clean_text as clean_text

log = logging.getLogger(__name__)

# A session's state (history, drafts) is dropped after this long without use, so abandoned
# sessions do not hold memory until the server restarts.
SESSION_TTL_S = 2 * 3600
TRACE_WIDTHS = ["18%", "42%", "22%", "18%"]


def session_of(request: gr.Request | None) -> str:
    return getattr(request, "session_hash", None) or "anonymous"


def bool_value(v: Any) -> bool | None:
    if v in ("true", True):
        return True
    if v in ("false", False):
        return False
    return None


def bool_choice(v: Any) -> str:
    return "true" if v is True else "false" if v is False else ""


class WebContext:
    """What the handlers share: settings, the loaded assistant, records, the rate limiter."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.limiter = RateLimiter(self.settings.rate_limit_per_minute)
        self.token_guard = TokenGuard(self.settings.admin_max_failures, self.settings.admin_lockout_s)
        self._live = LiveAssistant(self.settings)
        self.export_dir = Path(tempfile.mkdtemp(prefix="cv-exports-"))
        # generated .docx/.csv files live only as long as the server that made them
        atexit.register(shutil.rmtree, self.export_dir, True)

    @property
    def records(self):
        return get_records(self.settings)

    def assistant(self):
        """The loaded assistant, kept on the index's current generation: a build by another
        process (the admin's ``index``) is picked up within ``settings.index_check_s``."""
        return self._live.get()

    def index_changed(self) -> None:
        """This process rewrote the index (Library tab): load a fresh assistant over it now (the
        old one keeps serving until then)."""
        self._live.reload()

    def new_export_dir(self) -> Path:
        """A fresh directory for one generated file; directories older than a day are removed."""
        cutoff = time.time() - 86400
        for old in self.export_dir.iterdir():
            try:
                if old.stat().st_mtime < cutoff:
                    shutil.rmtree(old, ignore_errors=True)
            except OSError:
                pass
        return Path(tempfile.mkdtemp(dir=self.export_dir))

    def client(self, request: gr.Request | None) -> str:
        return client_key(request, self.settings.trusted_proxies)

    def check_rate(self, request: gr.Request | None) -> str | None:
        wait = self.limiter.retry_after(self.client(request))
        return self.limiter.message(wait) if wait else None

    def admin_refusal(self, token: str | None, request: gr.Request | None) -> str | None:
        """None when the admin token is right; else why not (wrong, locked out, not configured)."""
        key = self.client(request)
        wait = self.token_guard.locked_for(key)
        if wait:
            return self.token_guard.message(wait)
        if token_ok(token, self.settings.admin_token):
            self.token_guard.succeeded(key)
            return None
        if self.settings.admin_token:
            self.token_guard.failed(key)
        return "✗ 管理员令牌无效：已拒绝，未做任何更改。 / Invalid admin token: refused, nothing was changed."

    def log(
        self,
        question: str,
        data: dict[str, Any],
        channel: str,
        request: gr.Request | None,
        history: list[str] | None = None,
    ) -> int | None:
        try:
            return self.records.log_answer(
                question, data, history=history, channel=channel, session=session_of(request)
            )
        except Exception:  # the answer still reaches the user; the failure is in the server log
            log.exception("could not write the audit record")
            return None

    def titles(self) -> dict[str, str]:
        """Document titles by id, for showing references."""
        try:
            return {doc_id: d.title for doc_id, d in self.assistant().kb.docs.items()}
        except Exception:
            return {}

    def clause_html(self, references: list[dict[str, Any]]) -> str:
        """The text of each referenced clause, for the trace's clause links."""
        refs = []
        for r in references or []:
            if r and (r.get("doc"), r.get("clause")) not in [(x.get("doc"), x.get("clause")) for x in refs]:
                refs.append(r)
        if not refs:
            return ""
        a = self.assistant()
        parts = ['<div class="cv-clauses"><b>依据条款 Clauses</b>']
        for r in refs:
            chunk = a.kb.clauses.find(r.get("doc", ""), r.get("clause", ""))
            doc = a.kb.docs.get(r.get("doc", ""))
            title = doc.title if doc else r.get("doc", "")
            text = chunk.text if chunk else "（资料库中未找到该条款文本）"
            parts.append(
                f"<details><summary>{render.esc(title)} {render.esc(r.get('clause'))}</summary>"
                f"<blockquote>{render.esc(text)}</blockquote></details>"
            )
        parts.append("</div>")
        return "".join(parts)
