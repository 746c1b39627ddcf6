"""Guards for the web app and the REST API: text limits, admin token (with lockout), upload checks, safe file
names, per-client rate limit. No gradio import here: the REST workers use these without loading the UI."""

from __future__ import annotations

import hmac
import os
import re
import secrets
import threading
import time
import unicodedata
from collections import deque
from pathlib import Path
from typing import Any

UPLOAD_SUFFIXES = (".pdf", ".md", ".markdown", ".txt")
CONTRACT_SUFFIXES = (".pdf", ".txt", ".md")
CSV_SUFFIXES = (".csv",)
META_SUFFIXES = (".yaml", ".yml")


# Text limits shared by every way in (web tabs, the Gradio /ask endpoint, the REST API), so a
# client cannot send more work through one door than through another. 20 earlier messages of
# 100 KB each took ~8 s of CPU before the per-message limit.
MAX_QUESTION_CHARS = 4000
MAX_ENQUIRY_CHARS = 20000
MAX_HISTORY = 20


def clean_text(value: Any) -> str:
    """User text as the assistant and the audit record take it: a str (an API caller may send a
    number or null) without lone surrogates (valid JSON, but SQLite's UTF-8 refuses them)."""
    text = value if isinstance(value, str) else "" if value is None else str(value)
    return text.encode("utf-8", "replace").decode("utf-8")


def _bounded_text(value: Any, limit: int, zh: str, en: str) -> str:
    """Cleaned, not empty, within ``limit`` characters (ValueError with the bilingual message)."""
    text = clean_text(value).strip()
    if not text:
        raise ValueError(f"{zh}为空。 / The {en} is empty.")
    if len(text) > limit:
        raise ValueError(f"{zh}过长（最多 {limit} 字） / The {en} is too long (max {limit} characters).")
    return text


def question_text(value: Any) -> str:
    """A question as every way in takes it: cleaned, not empty, within the limit."""
    return _bounded_text(value, MAX_QUESTION_CHARS, "问题", "question")


def history_texts(value: list[Any]) -> list[str]:
    """Earlier messages, each within the question limit (20 x 100 KB took ~8 s of CPU)."""
    out = [clean_text(h) for h in value]
    if any(len(h) > MAX_QUESTION_CHARS for h in out):
        raise ValueError(
            f"历史消息过长（每条最多 {MAX_QUESTION_CHARS} 字） / An earlier message in the history is too long "
            f"(max {MAX_QUESTION_CHARS} characters each)."
        )
    return out


def enquiry_text(value: Any) -> str:
    """A helpdesk enquiry: cleaned, not empty, within the enquiry limit."""
    return _bounded_text(value, MAX_ENQUIRY_CHARS, "咨询内容", "enquiry")


class UploadRejected(ValueError):
    """An upload that is refused; the message says why, in Chinese and English."""


def token_ok(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison; no configured token means admin actions are disabled."""
    if not expected or not given:
        return False
    return hmac.compare_digest(given.strip().encode("utf-8"), expected.encode("utf-8"))


_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+", re.UNICODE)


def sanitize_filename(name: str, default: str = "upload") -> str:
    """A bare, safe file name: no directories, no traversal, no control or shell characters."""
    name = unicodedata.normalize("NFKC", str(name or ""))
    name = name.replace("\\", "/").split("/")[-1]  # drop any directory part, Windows or POSIX
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("-", name).strip("-. ")
    name = re.sub(r"-{2,}", "-", name)
    name = re.sub(r"\.{2,}", ".", name)
    if not name or name.startswith("."):
        name = default + (name if name.startswith(".") else "")
    stem, dot, suffix = name.rpartition(".")
    stem = stem.strip("-. ")
    if dot and len(suffix) <= 10:
        return f"{stem[:100]}.{suffix.lower()}" if stem else f"{default}.{suffix.lower()}"
    return name[:110]


def check_upload(path: str | Path, allowed: tuple[str, ...], max_bytes: int, original_name: str | None = None) -> Path:
    """Reject files of the wrong type or size; returns the path when acceptable."""
    path = Path(path)
    name = original_name or path.name
    suffix = Path(name).suffix.lower()
    if suffix not in allowed:
        raise UploadRejected(
            f"不支持的文件类型 {suffix or '（无扩展名）'}，仅支持 {' '.join(allowed)} / "
            f"unsupported file type {suffix or '(none)'}; allowed: {' '.join(allowed)}"
        )
    try:
        size = path.stat().st_size
    except OSError:
        raise UploadRejected("无法读取上传的文件 / the uploaded file cannot be read") from None
    if size > max_bytes:
        raise UploadRejected(
            f"文件过大（{size} 字节，上限 {max_bytes} 字节） / file too large ({size} bytes, limit {max_bytes})"
        )
    if size == 0:
        raise UploadRejected("文件为空 / the file is empty")
    if suffix == ".pdf":
        with path.open("rb") as fh:
            if not fh.read(1024).lstrip().startswith(b"%PDF"):
                raise UploadRejected("文件不是有效的 PDF / the file is not a PDF")
    return path


def client_key(request: Any, trusted_proxies: list[str] | tuple[str, ...] = ()) -> str:
    """The address a request comes from. A proxy's X-Forwarded-For is used only when the direct
    peer is a configured proxy; the last hop it appended is the one it saw."""
    host = str(getattr(getattr(request, "client", None), "host", None) or "unknown")
    if host in trusted_proxies:
        headers = getattr(request, "headers", None) or {}
        forwarded = headers.get("x-forwarded-for") if hasattr(headers, "get") else None
        if forwarded:
            return forwarded.split(",")[-1].strip() or host
    return host


class TokenGuard:
    """Locks a client out after ``max_failures`` wrong admin tokens within ``lockout_s``, so the
    token cannot be guessed at request speed."""

    def __init__(self, max_failures: int = 5, lockout_s: float = 900.0) -> None:
        self.max_failures = max(1, int(max_failures))
        self.lockout_s = lockout_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def locked_for(self, key: str) -> float:
        """Seconds the client stays locked out (0 when it may try)."""
        now = time.monotonic()
        with self._lock:
            fails = self._failures.get(key)
            while fails and now - fails[0] >= self.lockout_s:
                fails.popleft()
            if fails and len(fails) >= self.max_failures:
                return max(1.0, self.lockout_s - (now - fails[0]))
            return 0.0

    def failed(self, key: str) -> None:
        with self._lock:
            self._failures.setdefault(key, deque()).append(time.monotonic())

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def message(self, wait_s: float) -> str:
        mins = int(wait_s // 60) + 1
        return (
            f"✗ 管理员令牌错误次数过多，已锁定约 {mins} 分钟。 / Too many wrong admin tokens from this address; "
            f"locked for about {mins} min."
        )


class RateLimiter:
    """At most ``per_minute`` calls per key (session) in any sliding 60-second window."""

    def __init__(self, per_minute: int, window_s: float = 60.0) -> None:
        self.per_minute = max(0, int(per_minute))
        self.window_s = window_s
        self._calls: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: str | None) -> float:
        """0 when the call may go ahead (and counts it); else seconds to wait."""
        if self.per_minute <= 0:
            return 0.0
        now = time.monotonic()
        key = key or "anonymous"
        with self._lock:
            calls = self._calls.setdefault(key, deque())
            while calls and now - calls[0] >= self.window_s:
                calls.popleft()
            if len(calls) >= self.per_minute:
                return max(0.1, self.window_s - (now - calls[0]))
            calls.append(now)
            if len(self._calls) > 10000:  # forget idle sessions
                for k in [k for k, v in self._calls.items() if not v or now - v[-1] >= self.window_s]:
                    del self._calls[k]
            return 0.0

    def message(self, wait_s: float) -> str:
        secs = int(wait_s + 0.999)
        return (
            f"请求过于频繁：每个客户端每分钟最多 {self.per_minute} 次请求，请 {secs} 秒后再试。 / "
            f"Too many requests: at most {self.per_minute} per minute per client; "
            f"please try again in {secs} s."
        )


def browser_secret(settings: Any) -> str:
    """The configured secret, else one made at random once and kept beside the records file, so
    it is neither guessable from a path nor different after a restart."""
    if settings.browser_secret:
        return str(settings.browser_secret)
    path = Path(settings.records_db).with_name("browser-secret")
    if path.exists():
        kept = path.read_text(encoding="utf-8").strip()
        if kept:
            return kept
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it meanwhile: use theirs
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value)
    return value
