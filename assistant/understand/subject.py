"""Whether a text is about compute vouchers at all: the voucher names, the words of support
(subsidy, applying, policy), and the other subjects that bring places and money into a message
(consumer vouchers, taxes, stock tips).

Why its own module: the reconciling of a message's parts (settle.py), the reading of each part
(asks.py) and the orchestrator ask the same question of a text; the words are in the lexicon.
"""

from __future__ import annotations

import re

from assistant.lexicon import patterns


def names_voucher(text: str) -> bool:
    from assistant.understand.topics import voucher_types

    return bool(voucher_types(text)) or bool(re.search(r"算力券|compute voucher", text, re.I))


def domain(text: str) -> bool:
    """Whether a text names compute vouchers or compute subsidies at all."""
    from assistant.understand.topics import voucher_types

    return bool(voucher_types(text)) or bool(re.search(r"算力|compute|GPU|显卡", text, re.I))


def speaks_of_support(text: str) -> bool:
    """Words of the subject besides the voucher names: support, subsidy, applying, policy."""
    return bool(patterns("vouchers.yaml", "support_words").search(text))


def other_subject(text: str) -> bool:
    """Whether a message names another subject with places and money (consumer vouchers, taxes)."""
    return bool(patterns("vouchers.yaml", "other_subjects").search(text))


def off_subject_always(text: str) -> bool:
    """Whether a message asks about something off-topic even beside a voucher's name (stock tips)."""
    return bool(patterns("vouchers.yaml", "off_subject_always").search(text))


def about_support(text: str) -> bool:
    """Whether a message speaks of support at all; English messages are left to the classifier
    (their words for it are too many for a list)."""
    return domain(text) or speaks_of_support(text) or not re.search(r"[\u4e00-\u9fff]", text)
