"""The level of other public money a message names, read for no-double-funding clauses."""

import pytest

from assistant.answer.stacking import levels_named
from assistant.rules.loader import load_programs


@pytest.mark.parametrize(
    "text, levels",
    [
        ("同一份合同已经拿了经开区30%的支持", ["district"]),
        ("如果拿的是江苏省里的专项呢", ["provincial"]),
        ("去年已经拿过市工信局的专项资金", ["municipal"]),
        ("市里的算力券和区里的算力支持 同一份合同能同时拿吗", ["municipal", "district"]),
        ("国家那个智能券 同一笔租金能不能两边都报", ["national"]),
        ("郑州高新区的企业 合同400万", []),  # where the firm sits is not money it received
    ],
)
def test_the_level_of_the_money_named(text, levels):
    assert levels_named(text) == levels


def test_every_no_double_funding_clause_that_names_levels_names_known_ones():
    for program in load_programs().values():
        for c in program.conditions:
            if c.covers is not None:
                assert c.fact == "other_municipal_subsidy", program.id
                assert c.covers, f"{program.id}: an empty list would leave every level open"
