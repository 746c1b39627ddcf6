"""The web app (Gradio): views over the library API. ``build_app()`` / ``serve()``."""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def build_app(*args, **kwargs):
    from assistant.web.app import build_app as _build

    return _build(*args, **kwargs)


def serve(*args, **kwargs):
    from assistant.web.app import serve as _serve

    return _serve(*args, **kwargs)


__all__ = ["build_app", "serve"]
