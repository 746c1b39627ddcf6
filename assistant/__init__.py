"""Compute-voucher (算力券) assistant: cited answers, exact amounts.

The offline switches are set here, before any heavy library is imported, because
gradio, chromadb and huggingface read them at import time.
"""

import os

for _key, _value in {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
    # The e5 embedder runs on OpenMP; with its default spin-waiting, one query takes ~0.5 s
    # instead of ~0.03 s whenever another process competes for the two cores.
    "OMP_WAIT_POLICY": "PASSIVE",
}.items():
    os.environ.setdefault(_key, _value)

__version__ = "0.1.0"
