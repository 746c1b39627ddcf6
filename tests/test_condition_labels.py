"""A user never sees a condition's code: every condition of every program and scheme (a corpus
voucher's "corpus_non_related" once leaked into a 不符合 answer) reads as words in both languages."""

from types import SimpleNamespace

import pytest

from assistant.answer.handlers.common import _condition_label
from assistant.rules.loader import load_programs

PROGRAMS = load_programs()
CONDITIONS = sorted(
    {
        (pid, c.id)
        for pid, p in PROGRAMS.items()
        for rules in [p, *p.schemes]
        for c in [*rules.conditions, *(c for v in rules.versions for c in v.conditions)]
    }
)


def test_schemes_have_conditions_of_their_own():
    assert any(pid == "shanghai" and cid == "corpus_non_related" for pid, cid in CONDITIONS)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("pid", "cond_id"), CONDITIONS)
def test_condition_reads_as_words(pid, cond_id, lang):
    ctx = SimpleNamespace(kb=SimpleNamespace(programs=PROGRAMS), lang=lang)
    label = _condition_label(ctx, pid, cond_id)
    assert label and label != cond_id
