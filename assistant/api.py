"""The REST API under ``/api/v1``: ask, draft, calc, check, programs, with OpenAPI docs at
``/api/v1/docs``.

Why a second API beside Gradio's ``/ask``: Gradio's protocol (a queue joined over HTTP, results
over a server-sent event stream of the same process) ties a caller to one process, so it cannot
be spread over several workers. These routes are plain request/response JSON and stateless: the
conversation travels in the request (earlier user messages in ``history``, answers given in a
form in ``facts``), so any worker of any machine can answer any request.

The same guards as the UI apply (the text limits and the per-client rate limit of
``assistant.web.security``, keyed on the client's address), every answer and draft is written to
the audit record, and ``settings.api_key`` optionally closes the API. This module does not import
gradio: a REST-only worker does not pay for the UI. Models live in ``assistant.api_models``.

One process (``python -m assistant serve``) mounts these routes into the Gradio app, sharing its
loaded assistant and rate limiter; ``serve --workers N`` runs only this API in N uvicorn worker
processes (``create_app`` is their factory).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api_models import (
    AnswerOut,
    AskRequest,
    CalcRequest,
    CalcResult,
    CheckRequest,
    CheckResult,
    DraftRequest,
    Health,
    SchemeOut,
)
from assistant.settings import Settings, get_settings
from assistant.web.security import MAX_HISTORY, RateLimiter, TokenGuard, client_key, token_ok

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
# The largest body a valid request can need (an enquiry of MAX_ENQUIRY_CHARS, or a question and
# MAX_HISTORY earlier messages, as \\uXXXX escapes) is well under this; a bigger one is refused
# before it is read, so a client cannot make a worker buffer gigabytes.
MAX_BODY_BYTES = 1024 * 1024


class _BodyLimit:
    """ASGI middleware: 413 for bodies over ``limit`` bytes, declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _too_large(self.limit)(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await _too_large(self.limit)(scope, receive, send)


class _TooLarge(Exception):
    pass


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse(
        {"detail": f"请求过大（上限 {limit} 字节） / request body too large (limit {limit} bytes)"}, 413
    )


class Gate:
    """At most ``running`` answers computed at once (answering is GIL-bound: more threads only
    add latency) and at most ``waiting`` more admitted; beyond that a caller gets 503 at once,
    as the UI's queue answers "queue full" (settings.concurrency_limit / queue_max_size)."""

    def __init__(self, running: int, waiting: int) -> None:
        self._running = threading.BoundedSemaphore(max(1, running))
        self._max = max(1, running) + max(0, waiting)
        self._admitted = 0
        self._lock = threading.Lock()

    @contextmanager
    def enter(self) -> Iterator[None]:
        with self._lock:
            if self._admitted >= self._max:
                raise HTTPException(503, "服务繁忙，请稍后再试。 / Busy: too many requests queued; try again shortly.")
            self._admitted += 1
        try:
            with self._running:
                yield
        finally:
            with self._lock:
                self._admitted -= 1


class ApiContext:
    """What the routes share. In the UI process ``assistant``, ``limiter`` and ``token_guard`` are
    the UI's own, so one client has one rate-limit budget and one process one loaded index."""

    def __init__(
        self,
        settings: Settings | None = None,
        assistant: Callable[[], Any] | None = None,
        limiter: RateLimiter | None = None,
        token_guard: TokenGuard | None = None,
    ) -> None:
        from assistant.live import LiveAssistant

        self.settings = settings or get_settings()
        self._provider = assistant
        self._live = LiveAssistant(self.settings)
        self.limiter = limiter or RateLimiter(self.settings.rate_limit_per_minute)
        self.token_guard = token_guard or TokenGuard(self.settings.admin_max_failures, self.settings.admin_lockout_s)
        self.gate = Gate(self.settings.concurrency_limit, self.settings.queue_max_size)

    def assistant(self) -> Any:
        """The UI's assistant in the UI process; else this worker's own, kept on the index's
        current generation (``assistant.live``)."""
        if self._provider is not None:
            return self._provider()
        return self._live.get()

    def record(self, question: str, resp: Any, channel: str, history: list[str], session: str) -> int | None:
        """The audit record of one answer (through the Records public API only); a failing store
        never hides the answer, as in the UI."""
        try:
            from assistant.records import get_records

            return get_records(self.settings).log_answer(
                question, resp, history=history, channel=channel, session=session
            )
        except Exception:
            log.exception("could not write the audit record")
            return None


_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="settings.api_key, when one is set")


def _ctx(request: Request) -> ApiContext:
    ctx: ApiContext = request.app.state.ctx
    return ctx


def guard(request: Request, key: str | None = Depends(_key_header)) -> ApiContext:
    """API key (when configured, with the admin lockout for wrong keys), then the rate limit."""
    ctx = _ctx(request)
    client = client_key(request, ctx.settings.trusted_proxies)
    expected = ctx.settings.api_key
    if expected:
        wait = ctx.token_guard.locked_for(client)
        if wait:
            raise HTTPException(429, ctx.token_guard.message(wait), headers={"Retry-After": str(int(wait) + 1)})
        auth = request.headers.get("authorization", "")
        given = key or (auth[7:] if auth[:7].lower() == "bearer " else None)
        if not token_ok(given, expected):
            ctx.token_guard.failed(client)
            raise HTTPException(401, "API 密钥无效或缺失。 / Missing or wrong API key.", {"WWW-Authenticate": "Bearer"})
        ctx.token_guard.succeeded(client)
    wait = ctx.limiter.retry_after(client)
    if wait:
        raise HTTPException(429, ctx.limiter.message(wait), headers={"Retry-After": str(int(wait + 0.999))})
    return ctx


def _answer_out(resp: Any, record_id: int | None) -> AnswerOut:
    """The object ``ask --json`` prints (same function, same JSON conversion), plus the record id."""
    from assistant.chat_cli import response_record

    data = json.loads(json.dumps(response_record(resp, full=True), ensure_ascii=False, default=str))
    return AnswerOut.model_validate({**data, "record_id": record_id})


def _invalid(request: Request, exc: Exception) -> JSONResponse:
    """422 naming the field and saying why, without echoing the (up to 1 MB) input back."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    detail = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in errors]
    return JSONResponse({"detail": detail}, status_code=422)


def _rules_error(request: Request, exc: Exception) -> JSONResponse:
    data = exc.as_json() if hasattr(exc, "as_json") else {"error": "invalid_input", "message": str(exc)}
    return JSONResponse(data, status_code=422)


def build_api(
    settings: Settings | None = None,
    *,
    assistant: Callable[[], Any] | None = None,
    limiter: RateLimiter | None = None,
    token_guard: TokenGuard | None = None,
) -> FastAPI:
    """The REST app with its routes at its root (``/ask`` ...), to be mounted at ``PREFIX``."""
    from assistant.rules.errors import RulesInputError

    ctx = ApiContext(settings, assistant=assistant, limiter=limiter, token_guard=token_guard)
    app = FastAPI(
        title="算力券助手 REST API / Compute-Voucher Assistant",
        version="1",
        description=(
            "Stateless JSON API: the conversation travels in each request, so any worker answers any request. "
            "Answers have the shape `python -m assistant ask --json` prints, plus `record_id` (the audit record). "
            "Limits: per-client rate limit (`ASSISTANT_RATE_LIMIT_PER_MINUTE`, per worker process), text lengths "
            "as in the web app, optional API key (`ASSISTANT_API_KEY`) as `X-API-Key` or `Authorization: Bearer`."
        ),
    )
    app.state.ctx = ctx
    app.add_exception_handler(RulesInputError, _rules_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_middleware(_BodyLimit, limit=MAX_BODY_BYTES)
    Guarded = Depends(guard)

    @app.get("/health", response_model=Health, tags=["service"])
    def health() -> Health:
        """Liveness for a load balancer: no key needed, nothing about the data is said."""
        return Health(status="ok")

    @app.post("/ask", response_model=AnswerOut, tags=["assistant"])
    def ask(body: AskRequest, ctx: ApiContext = Guarded) -> AnswerOut:
        """A cited answer with exact amounts. ``history``: the caller's earlier user messages (oldest
        first, the last 20 are used); ``facts``: answers given as yes/no or a choice code."""
        history = body.history[-MAX_HISTORY:]
        with ctx.gate.enter():
            resp = ctx.assistant().ask(body.question, history=history, facts=body.facts or None)
        rid = ctx.record(body.question, resp, "rest", history, body.session or "")
        return _answer_out(resp, rid)

    @app.post("/draft", response_model=AnswerOut, tags=["assistant"])
    def draft(body: DraftRequest, ctx: ApiContext = Guarded) -> AnswerOut:
        """A formal helpdesk reply to an enquiry (the object ``draft --json`` prints)."""
        with ctx.gate.enter():
            resp = ctx.assistant().draft(body.enquiry)
        rid = ctx.record(body.enquiry, resp, "rest-draft", [], body.session or "")
        return _answer_out(resp, rid)

    @app.post("/calc", response_model=CalcResult, tags=["rules"])
    def calc(body: CalcRequest, ctx: ApiContext = Guarded) -> Any:
        """The calculator's exact amount with cited steps (``calc --json``); bad input is a 422
        naming the field."""
        from assistant.rules import calculate

        with ctx.gate.enter():
            return calculate(
                body.program,
                amount=body.amount,
                on=body.date,
                compute_type=body.compute_type,
                claimed_this_year=body.claimed_this_year,
                facts=dict(body.facts),
                start=body.start,
                end=body.end,
                voucher=body.voucher,
                scheme=body.scheme,
            ).as_json()

    @app.post("/check", response_model=CheckResult, tags=["rules"])
    def check(body: CheckRequest, ctx: ApiContext = Guarded) -> Any:
        """Compliance findings for a described use, contract or measure (``check --json``)."""
        from assistant.compliance import check_compliance, checks_performed

        facts: dict[str, Any] = dict(body.facts)
        if body.program:
            facts["program"] = body.program
        with ctx.gate.enter():
            return {"findings": [f.as_json() for f in check_compliance(facts)], "checks": checks_performed()}

    @app.get("/programs", response_model=list[SchemeOut], tags=["rules"])
    def programs(
        ctx: ApiContext = Guarded,
        region: str | None = Query(None, max_length=64, description="region code, e.g. shanghai"),
        voucher: str | None = Query(None, max_length=32, description="compute, model, corpus, data, ..."),
    ) -> Any:
        """Every voucher scheme: program, voucher type, region, status, dates (``programs --json``)."""
        from assistant.rules import list_schemes

        return [r.as_json() for r in list_schemes(region=region, voucher=voucher)]

    return app


def mount(settings: Settings | None = None, **shared: Any) -> Mount:
    """The REST app as a route at ``PREFIX``, for the UI process (``shared``: see ``build_api``)."""
    return Mount(PREFIX, app=build_api(settings, **shared))


# Names a place, an amount and a relative date, so every lazily built parser is built here.
WARM_UP_QUESTION = "我们在北京朝阳区，今年3月签了500万的算力合同，能补多少？"


def warm_up(assistant: Any) -> None:
    """Answer one question, unrecorded, before serving. JioNLP builds its time parser on first use
    and a second thread calling it meanwhile fails (AttributeError: 'TimeParser' object has no
    attribute 'period_time_pattern'): measured, 15 of the first 300 answers of a fresh worker
    under 12 concurrent clients were errors. Built once here, it is only read afterwards."""
    assistant.ask(WARM_UP_QUESTION)


def create_app() -> FastAPI:
    """uvicorn's factory for ``serve --workers N``: each worker loads the assistant and warms it
    up before it takes its first connection (uvicorn runs the lifespan before serving), so no
    caller waits for the index or meets a half-built parser."""
    api = build_api(get_settings())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        warm_up(api.state.ctx.assistant())
        yield

    root = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    root.router.routes.append(Mount(PREFIX, app=api))
    return root


def run_workers(host: str, port: int, workers: int) -> None:
    """The REST API in ``workers`` uvicorn processes on one socket. Proxy headers are left to
    ``settings.trusted_proxies`` (as in the UI), not to uvicorn, so there is one rule for whose
    X-Forwarded-For is believed."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "assistant.api:create_app",
        factory=True,
        host=host,
        port=port,
        workers=max(1, workers),
        proxy_headers=False,
        server_header=False,
        log_level=settings.log_level.lower(),
    )


__all__ = ["PREFIX", "ApiContext", "build_api", "create_app", "mount", "run_workers", "warm_up"]
