"""Questions from dev-17's first run (compliance officers and helpdesk staff), by cause: a point
asking the basis of what the point before found, a rule asked about by pointing back, items of a
text that are not published, facts that bar an applicant, and figures told in parts.
"""

from __future__ import annotations

from decimal import Decimal

# ---------------------------------------------------------------- the law asked about a point before


def test_which_article_asked_after_a_check_gets_the_articles_of_that_finding(ask_pinned):
    r = ask_pinned(
        "我们在上海，供应商说合同按300万签，实际只收260万，差额以咨询费名义返给我们，这样申报合规吗？涉及民法典哪一条？"
    )
    check, basis = r.asks
    assert check.verdict == "risk", check.conclusion
    # the articles the kickback finding rests on, not a program's rate clause
    assert "第一百五十四条" in basis.conclusion and "民法典" in basis.conclusion, basis.conclusion
    assert "比例" not in basis.conclusion


def test_a_point_with_its_own_arrangement_is_checked_not_answered_with_the_basis_before(ask_pinned):
    r = ask_pinned(
        "我们在起草区级算力券办法，草案有两条：一是只支持在本区纳税的企业；二是券只能在区属国企的智算中心使用。"
        "请问这两条分别有没有公平竞争方面的问题，依据是什么？"
    )
    assert any("第八条" in a.conclusion or "第三十九条" in a.conclusion for a in r.asks[1:]), [
        a.conclusion for a in r.asks
    ]


def test_the_rule_asked_by_pointing_back_is_the_regions_own_text(ask_pinned):
    r = ask_pinned("成都的算力券能不能转给我们在重庆的子公司去用？成都的政策有没有写")
    rule = r.asks[-1]
    assert rule.verdict == "not_published" and "未见公开" in rule.conclusion, rule.conclusion
    assert "庆阳" not in rule.conclusion  # another region's ban is not presented as Chengdu's


def test_an_article_of_a_law_is_quoted_from_the_first_item_of_its_list(ask_pinned):
    r = ask_pinned("公平竞争审查条例的例外条款要满足哪些条件")
    text = " ".join(a.conclusion for a in r.asks)
    assert "一是" in text and "替代方案" in text, text


def test_an_issuers_own_draft_article_is_checked_as_a_risk(ask_pinned):
    r = ask_pinned("我们县经信局起草算力券办法，第六条写“申请企业须在本县注册”。请从公平竞争审查角度看看这一条。")
    assert r.asks[0].verdict == "risk", r.asks[0].conclusion


def test_a_contract_priced_at_twice_the_market_is_a_finding(ask_pinned):
    r = ask_pinned("朝阳的公司 去年签的算力合同单价是市场价的三倍 这种合同报北京算力券会不会有问题")
    assert r.asks[0].verdict in ("risk", "undetermined") and "公允" in r.asks[0].conclusion, r.asks[0].conclusion


def test_what_happens_if_found_out_is_the_regions_clawback_rule(ask_pinned):
    r = ask_pinned("亦庄的公司，结算单要是做高了，被查到会怎么处理")
    ask = r.asks[-1]
    assert ask.verdict in ("not_published", "risk"), ask.conclusion
    assert "未见公开" in " ".join(a.conclusion for a in r.asks)


# ---------------------------------------------------------------- what a text does not publish


def test_document_items_that_are_not_published_are_said_to_be_so(ask_pinned):
    r = ask_pinned("来电企业询问成都2025年算力券政策的发布日期和有效期，请答复。")
    ask = r.asks[0]
    assert ask.verdict == "not_published", ask.conclusion
    assert "发布日期未见公开" in ask.conclusion and "有效期" in ask.conclusion


def test_a_rate_with_no_published_figure_says_not_published(ask_pinned):
    r = ask_pinned("厦门市算力补贴的补贴比例是多少")
    assert "未见公开" in r.asks[0].conclusion, r.asks[0].conclusion


def test_the_budget_is_stated_beside_a_rate_that_is_not_published(ask_pinned):
    r = ask_pinned("宁夏算力支持政策的年度资金总额和补贴比例是多少")
    ask = r.asks[0]
    assert "4000万" in ask.conclusion and "未见公开" in ask.conclusion, ask.conclusion


def test_a_cap_asked_beside_the_rate_is_said_to_be_unpublished(ask_pinned):
    r = ask_pinned("上海市级算力券的补贴比例和单个企业上限是多少")
    ask = r.asks[0]
    assert "30%" in ask.conclusion and "上限未见公开" in ask.conclusion, ask.conclusion


def test_how_the_province_and_city_share_the_cost_is_its_own_clause(ask_pinned):
    r = ask_pinned("河南省算力券的省市资金分担比例是多少")
    assert "1:1" in r.asks[0].conclusion, r.asks[0].conclusion


# ---------------------------------------------------------------- facts that bar an applicant


def test_partial_payment_fails_a_paid_in_full_condition(ask_pinned):
    r = ask_pinned("廊坊的公司 合同签了只付了一半 剩下的等验收再付 现在能先申请算力券吗")
    assert r.asks[0].verdict == "not_eligible" and "全额付款" in r.asks[0].conclusion, r.asks[0].conclusion


def test_a_dishonesty_listing_told_in_words_fails_the_condition(ask_pinned):
    r = ask_pinned("武汉东湖高新的企业 前年被列入了严重失信主体名单 今年还能申请武汉的算力服务券吗")
    assert r.asks[0].verdict == "not_eligible" and "失信" in r.asks[0].conclusion, r.asks[0].conclusion


def test_a_major_penalty_told_in_words_is_checked(ask_pinned):
    r = ask_pinned("南宁的公司去年受到市场监管部门的大额罚款（重大处罚），申请南宁算力券有影响吗")
    assert r.asks[0].verdict == "not_eligible" and "重大处罚" in r.asks[0].conclusion, r.asks[0].conclusion


def test_a_district_subsidy_for_the_same_fees_is_other_funding(ask_pinned):
    r = ask_pinned("南宁兴宁区的公司 这笔算力费已经拿过区里的补贴了 还能报南宁市的算力券吗")
    assert r.asks[0].verdict == "not_eligible", r.asks[0].conclusion


# ---------------------------------------------------------------- figures told in parts


def test_the_rest_of_a_contract_named_after_its_parts_is_a_part_of_its_own(ask_pinned, amounts_of):
    r = ask_pinned("芜湖的企业 今年算力费用合计500万 其中200万是在合肥用的 剩下的都在本地 能补多少")
    # only the local 300万 counts, at Wuhu's 25%
    assert Decimal("750000.00") in amounts_of(r) and Decimal("1250000.00") not in amounts_of(r), r.asks[0].conclusion


def test_a_city_written_before_a_zone_with_a_space_places_it(ask_pinned, amounts_of):
    r = ask_pinned("京 经开区 算力结算 50w 能补多少")
    assert Decimal("150000.00") in amounts_of(r), r.asks[0].conclusion  # E-Town's 30%, not Beijing's 20%


def test_a_plan_named_by_its_number_is_that_purchase(ask_pinned, amounts_of):
    r = ask_pinned("苏州的，准备买语料：方案一从母公司买50万，方案二从外部供应商买50万。方案二能拿多少？")
    assert Decimal("100000.00") in amounts_of(r), [a.conclusion for a in r.asks]


def test_each_numbered_point_is_checked_on_the_site_it_names(ask_pinned):
    r = ask_pinned(
        "来电企业位于芜湖，咨询：1、用合肥的智算中心能否申请芜湖算力补贴；2、改用芜湖本地智算，年费400万元可获多少。"
    )
    first, second = r.asks
    assert first.verdict == "not_eligible", first.conclusion
    assert Decimal("1000000.00") in {Decimal(a.amount) for a in second.amounts if a.amount}, second.conclusion


def test_choices_asked_about_are_not_purchases(ask_pinned):
    r = ask_pinned("北京算力券 合同总价500万，其中存储和安全服务60万，补贴基数是500万还是440万？")
    assert "440万" in r.asks[0].conclusion, r.asks[0].conclusion


def test_how_long_beside_how_much_is_how_long_support_runs(ask_pinned):
    r = ask_pinned("武汉 一人公司 一年算力二十万 能拿多少 能拿几年")
    amount, years = r.asks
    assert Decimal("100000.00") in {Decimal(a.amount) for a in amount.amounts if a.amount}, amount.conclusion
    assert years.intent == "fact" and "3年" in years.conclusion, years.conclusion


def test_can_we_still_apply_beside_an_amount_is_asked_today(ask_pinned):
    r = ask_pinned("东城的公司 去年5月签的一年期算力合同180万 现在还能申北京的算力券吗 能补多少")
    assert r.asks[0].verdict == "ended", r.asks[0].conclusion


# ---------------------------------------------------------------- second round


def test_a_purchase_naming_its_own_voucher_keeps_it_beside_another_kind(ask_pinned, amounts_of):
    r = ask_pinned("深圳的企业：训力券那份合同300万，另外从数据交易所买了语料100万（卖方与我们无关联），两项能补多少")
    # the training voucher's 50% on 300万 and the corpus voucher's 30% on 100万, not both as corpus
    assert {Decimal("1500000.00"), Decimal("300000.00")} <= amounts_of(r), [a.conclusion for a in r.asks]


def test_a_failed_condition_names_its_clause(ask_pinned):
    r = ask_pinned("南宁的企业 这笔算力费区里已经给过财政补贴了 同一笔还能报南宁市算力券吗")
    ask = r.asks[0]
    assert ask.verdict == "not_eligible" and "（第十二条）" in ask.conclusion, ask.conclusion


def test_whether_claims_are_taken_after_the_end_is_not_published(ask_pinned):
    r = ask_pinned("深圳训力券的政策到期以后还能提交申报吗")
    ask = r.asks[-1]
    assert ask.verdict == "not_published" and "未见公开" in ask.conclusion, ask.conclusion


def test_a_firm_registered_elsewhere_fails_a_local_registration_condition(ask_pinned):
    r = ask_pinned("来电企业咨询：外地注册、在南京设了研发中心的企业能不能申请南京的算力券？")
    ask = r.asks[-1]
    assert ask.verdict == "not_eligible" and "注册在南京" in ask.conclusion, ask.conclusion


def test_whether_an_outside_firm_may_apply_is_no_finding_about_local_registration(ask_pinned):
    r = ask_pinned("外地企业能不能申请贵州的算力券")
    ask = r.asks[0]
    assert ask.intent != "compliance" and "高风险" not in ask.conclusion, (ask.intent, ask.conclusion)
    assert "省内外" in ask.conclusion


def test_a_list_after_an_enquiry_is_one_ask_per_item(ask_pinned):
    r = ask_pinned("请拟一份答复口径，供坐席答复北京企业关于算力券的咨询：补贴比例、年度上限、发文单位，并注明依据。")
    assert len(r.asks) == 3, [a.text for a in r.asks]


def test_a_tier_the_message_sets_aside_is_not_listed(ask_pinned):
    r = ask_pinned("来电企业咨询武汉市算力服务券（非OPC）的抵扣比例是多少")
    ask = r.asks[0]
    assert ask.verdict == "not_published" and "50%" not in ask.conclusion, ask.conclusion


def test_the_basis_of_where_to_report_is_the_article_quoted(ask_pinned):
    r = ask_pinned(
        "我们是成都企业，发现某地的算力券只发给本地注册企业，觉得是歧视外地企业，可以向哪个部门反映？依据是什么"
    )
    # the article the first answer quoted, not the facts of Chengdu's own text (where the firm is)
    assert "第二十二条" in r.asks[-1].conclusion, [a.conclusion for a in r.asks]


def test_a_measure_issued_in_a_governments_name_is_reviewed_under_its_own_article(ask_pinned):
    r = ask_pinned("区数据局起草的算力券办法由谁做公平竞争审查？要是以区政府名义印发呢？")
    first, second = r.asks
    assert first.verdict == "answered" and "第十三条" in first.conclusion, first.conclusion  # no region asked for
    assert "第十四条" in second.conclusion, second.conclusion


def test_whether_a_void_clause_voids_the_contract_is_a_question_about_the_law(ask_pinned):
    r = ask_pinned("合同里的返点条款如果被认定无效，会不会整份算力合同都无效？")
    ask = r.asks[0]
    assert ask.verdict == "answered" and "第一百五十六条" in ask.conclusion, (ask.verdict, ask.conclusion)


def test_numbered_points_opening_with_a_year_are_points(ask_pinned):
    r = ask_pinned("青岛来电企业咨询：1、2024年度算力券奖补的截止时间；2、OPC清单的算力支持上限。")
    assert len(r.asks) == 2, [a.text for a in r.asks]


def test_which_article_governs_a_concept_is_found_without_a_region(ask_pinned):
    r = ask_pinned("反垄断法哪一条管“限定交易”？")
    ask = r.asks[0]
    assert ask.verdict == "answered" and "第三十九条" in ask.conclusion, ask.conclusion


def test_can_we_still_apply_after_a_finding_is_the_finding_not_a_question_for_a_region(ask_pinned):
    r = ask_pinned("供应商要在合同里加一条返点条款，这条要是被认定无效，整份合同会不会无效？还能拿这份合同申请算力券吗")
    still = r.asks[-1]
    assert still.verdict == "risk", (still.verdict, still.conclusion)
