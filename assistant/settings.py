"""The one settings object. Every path, model and endpoint is read from here.

Values come from environment variables prefixed ``ASSISTANT_`` (e.g.
``ASSISTANT_INDEX_DIR``), so tests and deployments change behaviour without code.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "index"
    records_db: Path = PROJECT_ROOT / "index" / "records.sqlite3"
    # A database URL for the records instead of the SQLite file, e.g. postgresql://user@host/db
    # so workers on several machines share one store; hidden from repr as it may hold a password.
    records_url: str | None = Field(default=None, repr=False)
    collection: str = "corpus"

    # Which embedder backs the vector leg; chosen by `eval retrieval` (see README).
    embedder: Literal["e5", "minilm", "use", "hash"] = "e5"
    # A local sentence-transformers model directory (overrides the packaged MiniLM path).
    st_model_path: Path | None = None

    # Chroma server mode: when host is set, the index lives there instead of index_dir.
    chroma_host: str | None = None
    chroma_port: int = 8000

    # Retrieval knobs, logged with every answer.
    top_k: int = 5
    candidates: int = 30
    rrf_k: int = 60
    chunk_max_chars: int = 600
    max_file_bytes: int = 20 * 1024 * 1024

    # Optional LLM phrasing (OpenAI-compatible endpoint or a local GGUF file).
    llm: Literal["none", "openai", "llamacpp"] = "none"
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str = Field(default="not-needed", repr=False)
    llm_gguf_path: Path | None = None
    llm_timeout_s: float = 30.0

    # Web app.
    host: str = "127.0.0.1"
    port: int = 7860
    admin_token: str | None = Field(default=None, repr=False)
    # REST API (/api/v1): when set, every call but /health must send it as X-API-Key or
    # "Authorization: Bearer ..."; unset, the API is open like the UI. Wrong keys count towards
    # the admin lockout below, so a key cannot be guessed at request speed.
    api_key: str | None = Field(default=None, repr=False)
    # Encrypts the browser's conversation id in its local storage (gr.BrowserState). Unset: a
    # random one is made once and kept beside the records (mode 0600). Several UI processes
    # behind a load balancer must share one: set it.
    browser_secret: str | None = Field(default=None, repr=False)
    max_upload_bytes: int = 20 * 1024 * 1024
    # Limits are keyed on the client's address, never on what the client sends (a Gradio session
    # hash is the client's choice). Behind a reverse proxy, list the proxy's address here: only
    # then is its X-Forwarded-For believed.
    rate_limit_per_minute: int = 30
    trusted_proxies: list[str] = Field(default_factory=list)
    admin_max_failures: int = 5  # wrong admin tokens from one client before it is locked out
    admin_lockout_s: float = 900.0
    # The helpdesk's batch CSV: one call drafts every row, so it is bounded by rows and by total
    # characters (each row also by the /draft enquiry limit), or one upload is minutes of CPU
    # that the per-minute rate limit counts as a single request. Drafting cost grows faster than
    # the text (evals/REPORT.md, Reliability): 40,000 characters is two of the longest enquiries
    # /draft takes; 100 rows of everyday enquiries (~100-500 characters) draft in about 10-30 s.
    batch_max_rows: int = Field(default=100, ge=1)
    batch_max_chars: int = Field(default=40_000, ge=1)
    # Gradio queue: at most concurrency_limit requests of one event run at a time; the rest wait
    # in a queue of at most queue_max_size, beyond which callers get "queue full" at once.
    # Chosen from evals/load.py on 2 cores (evals/REPORT.md): throughput stops growing at 4-8
    # workers (~21 answers/s; answering is mostly GIL-bound Python), and 8 gave the lowest p95;
    # 200 queued requests are ~10 s of work at that rate.
    concurrency_limit: int = Field(default=8, ge=1)
    queue_max_size: int = Field(default=200, ge=1)
    # Threads of the embedding engine (OpenMP) in a serving process. A server answers several
    # questions at once on its own threads (and processes), so a query's OpenMP threads only
    # compete with them for the cores: on 2 cores one thread gave 30.4 answers/s per worker
    # against 28.9 with two, and 2 workers 1.49x one instead of 1.38x (evals/REPORT.md, REST API
    # and workers). Builds (`python -m assistant index`) keep every core: 200 passages take 21 s
    # on two threads, 40 s on one.
    serve_embed_threads: int = Field(default=1, ge=1)
    # How often a server looks whether the index got a new generation (written by the admin
    # process, possibly on another machine): a stat of the manifest file, or one read of the
    # manifest record on a Chroma server. 0: never (load once, as before).
    index_check_s: float = Field(default=5.0, ge=0)

    log_level: str = "INFO"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
