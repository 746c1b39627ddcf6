"""The assistant a long-running server answers with, kept on the index's current generation.

Why: an index is written by one admin process (``python -m assistant index``, the Library tab)
while servers, possibly on other machines reading the same Chroma server, keep answering. A
server loads the index once (chunks, BM25 postings, the visible generation of each document), so
without this it would answer from the old generation until it restarts. Here a server looks at
the manifest at most every ``settings.index_check_s`` seconds (a ``stat`` of the manifest file,
or one read of the manifest record on a Chroma server), and when the visible generation changed
it loads a fresh assistant in the background; the old one answers until the new one is ready, so
no caller waits for a reload and none sees a half-loaded index.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from assistant.settings import Settings, get_settings

log = logging.getLogger(__name__)


class LiveAssistant:
    """``get()`` returns the loaded assistant, after making sure a newer generation is on its way."""

    def __init__(
        self,
        settings: Settings | None = None,
        loader: Callable[[Settings, bool], Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings or get_settings()
        self._loader = loader or _load_assistant
        self._clock = clock
        self._current: Any = None
        self._lock = threading.Lock()
        self._reloading = False
        self._checked_at = float("-inf")
        self._file_stamp: tuple[int, int, int] | None = None
        self.reloads = 0  # how many times a newer generation was loaded (figures, tests)

    def get(self) -> Any:
        with self._lock:
            if self._current is None:
                stamp = _manifest_stamp(self.settings)  # before loading: a change meanwhile is seen
                self._current = self._loader(self.settings, False)
                self._checked_at = self._clock()
                self._file_stamp = stamp
                return self._current
            current = self._current
            due = self.settings.index_check_s > 0 and self._clock() - self._checked_at >= self.settings.index_check_s
            if due and not self._reloading:
                self._checked_at = self._clock()
            else:
                due = False
        if due and self._generation_changed(current):
            self._start_reload()
        return current

    def reload(self) -> Any:
        """Load a fresh assistant now and answer with it from here on (after this process itself
        rewrote the index: the Library tab)."""
        stamp = _manifest_stamp(self.settings)  # before loading: a change meanwhile is seen
        fresh = self._loader(self.settings, True)
        with self._lock:
            self._current = fresh
            self._file_stamp = stamp
            self.reloads += 1
        return fresh

    # ---------------------------------------------------------------- internals
    def _generation_changed(self, current: Any) -> bool:
        from assistant.retrieval import current_generation

        stamp = None if self.settings.chroma_host else _manifest_stamp(self.settings)
        if stamp is not None and stamp == self._file_stamp:  # the file was not replaced: nothing to read
            return False
        try:
            now = current_generation(current.retriever.store, self.settings)
        except Exception as e:  # an unreachable Chroma server: keep serving what is loaded
            log.warning("index generation check failed: %s", e)
            return False
        changed = now != getattr(current.retriever, "generation", now)
        if not changed and stamp is not None:
            self._file_stamp = stamp  # rewritten, same chunks visible (a pending document): settled
        # when changed, the stamp is left for reload() to move, so a failed load is tried again
        return changed

    def _start_reload(self) -> None:
        with self._lock:
            if self._reloading:
                return
            self._reloading = True
        threading.Thread(target=self._reload_in_background, name="index-reload", daemon=True).start()

    def _reload_in_background(self) -> None:
        try:
            started = time.perf_counter()
            self.reload()
            log.info("index: new generation loaded in %.1f s", time.perf_counter() - started)
        except Exception:  # the old assistant keeps answering; the next check tries again
            log.exception("index: loading the new generation failed")
        finally:
            with self._lock:
                self._reloading = False


def _load_assistant(settings: Settings, fresh_index: bool) -> Any:
    from assistant.assistant import Assistant

    return Assistant.load(settings, fresh_index=fresh_index)


def _manifest_stamp(settings: Settings) -> tuple[int, int, int] | None:
    """What changes when a writer replaces the manifest file (``os.replace``: a new inode)."""
    from assistant.index_state import manifest_path

    try:
        st = manifest_path(settings).stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)
