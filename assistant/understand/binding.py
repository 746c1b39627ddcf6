"""Which purchases each ask of a turn is about.

Why: one message often names several contracts and asks about them in turn ("20万和25万能拿多少？
再签一份20万的，三份一起报呢？"); each ask is answered on the purchases it names, not on every
purchase of the conversation.
"""

from __future__ import annotations

import re

from assistant.understand.case import Ask, Case

_ORDINAL = {"第一": 0, "第二": 1, "第三": 2, "first": 0, "second": 1, "third": 2}
# "方案一……方案二能拿多少", "选项二": a plan named by its number is that purchase
_PLAN = re.compile(r"(方案|选项|option |plan )(一|二|三|1|2|3|a|b|c)(?![a-z0-9])", re.I)
_PLAN_NUMBER = {"一": 0, "二": 1, "三": 2, "1": 0, "2": 1, "3": 2, "a": 0, "b": 1, "c": 2}

# "三份一起报", "都算上", "all of them": the ask is about every purchase of the conversation
_ALL_PURCHASES = re.compile(
    r"(两|三|四|五|几)(份|个|笔)(合同)?(一起|都|合在一起|加起来|合计|总共)|全部合同|都算上|all (of )?(them|the contracts)"
    r"|全年(都)?(加起来|合起来|合计|一共|总共)",  # "全年加起来能拿多少": the year's purchases together
    re.I,
)


_EACH_OF = re.compile(
    r"各(?!地|区|市|省|级)|每(个|份|笔|张)(合同)?(都|均)?(是|为)?(金额)?\s*[\d一二两三四五六七八九十]"
)


def bind_purchases(asks: list[Ask], case: Case, turn_text: str) -> list[Ask]:
    """The purchases each ask of this turn names: by its amounts ("一年期那份200万"), each mention
    taking the first purchase of that value no earlier ask took (so "20万和25万……再签一份20万的"
    binds the second 20万 to the second ask), by "all of them", or by its order ("第一份")."""
    from assistant.understand.money import find_money

    used: set[int] = set()
    out: list[Ask] = []
    for ask in asks:
        if ask.text not in turn_text:
            out.append(ask.model_copy(update={"purchases": []}))
            continue
        chosen = _plans_asked(ask.text, case)  # "方案一……方案二……，方案二能补多少": the plan named
        if not chosen and _ALL_PURCHASES.search(ask.text):
            chosen = [i for i, p in enumerate(case.purchases) if p.amount is not None]
        elif not chosen:
            for m in find_money(ask.text):
                same = [
                    i for i, p in enumerate(case.purchases) if p.amount is not None and p.amount.value == m.money.value
                ]
                free = [i for i in same if i not in used and i not in chosen] or [i for i in same if i not in chosen]
                if free and _EACH_OF.search(ask.text):
                    chosen.extend(free)  # "3个合同 每个都是80w": one mention, as many purchases
                elif free:
                    chosen.append(free[0])
                elif not same and m.money.value == sum(p.amount.value for p in case.purchases if p.amount is not None):
                    # "一共360万，其中100万……其余……": the contract, now computed in its parts
                    chosen.extend(i for i, p in enumerate(case.purchases) if p.amount is not None and i not in chosen)
        if not chosen:
            low = ask.text.lower()
            chosen = [
                i
                for word, i in _ORDINAL.items()
                if re.search(word + r"(份|个|笔|张|种|\s*contract)", low) and i < len(case.purchases)
            ]
        at = case.compute_at
        if not chosen and at is not None and at.text in ask.text:  # "合肥那部分能不能一起算": the fee spent there
            chosen = [i for i, p in enumerate(case.purchases) if p.compute_at and p.compute_at == at.region]
        used.update(chosen)
        bound = sorted(set(chosen))
        out.append(ask.model_copy(update={"purchases": bound}) if bound != ask.purchases else ask)
    return out


def _plans_asked(text: str, case: Case) -> list[int]:
    """The purchases of the plans named in the question's own last clause, when the message
    describes several numbered plans ("方案一从子公司买，方案二从外部买，方案二能补多少")."""
    if len(_PLAN.findall(case.text)) < 2:
        return []
    asked = re.split(r"[。；;，,\n]", text.rstrip("。？?！! "))[-1]
    return [n for m in _PLAN.finditer(asked) if (n := _PLAN_NUMBER[m.group(2).lower()]) < len(case.purchases)]
