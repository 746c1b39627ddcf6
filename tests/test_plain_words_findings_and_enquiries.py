"""Compliance officers' and helpdesk staff's messages from the eighteenth session's development
set (dev-19) and probes written beside them: an arrangement told in plain words is checked, the
law asked for beside the check is answered as the law, and an enquiry's items are each answered.
"""

from __future__ import annotations

# ------------------------------------------------------------------- arrangements in plain words


def test_a_district_rule_naming_three_providers_is_a_designated_supplier_finding(ask_pinned):
    r = ask_pinned(
        "我们是某区经信局的。起草区级算力券办法时有人提议写“算力券只能在区里认定的三家算力服务商处使用”。"
        "这样写有没有违反反垄断法或公平竞争审查条例的风险？"
    )
    ask = r.asks[0]
    assert ask.verdict == "risk", ask.conclusion
    assert "第八条" in ask.conclusion and "第三十九条" in ask.conclusion, ask.conclusion


def test_a_contract_with_a_firm_under_the_same_controller_is_a_related_supplier(ask_pinned):
    r = ask_pinned(
        "内审发现：我们（海淀区的软件公司）2025年初跟同一个实控人控制的另一家公司签了一份400万的GPU租用合同，"
        "并且拿这份合同申领了北京市算力券。这份合同符合北京算力券的规定吗？"
    )
    assert r.asks[0].verdict == "not_eligible", r.asks[0].conclusion
    assert "非关联方" in r.asks[0].conclusion


def test_corpus_bought_from_this_subsidiary_is_from_a_related_party(ask_pinned):
    r = ask_pinned(
        "集团下面有家数据子公司，手里有大量清洗好的语料。我们向这家子公司采购语料，能用语料券吗？",
        ["我们在上海做行业大模型，想了解上海的模型券和语料券。"],
    )
    assert r.asks[0].verdict == "not_eligible", r.asks[0].conclusion


def test_an_invoice_for_the_cash_part_only_is_checked_against_the_full_invoice_rule(ask_pinned):
    r = ask_pinned(
        "庆阳集群的一家服务商提出：我们用算力券抵扣的那部分不开票，只按实付金额开发票。作为需求方，我们能接受吗？"
    )
    ask = r.asks[0]
    assert ask.verdict == "risk", ask.conclusion
    assert "全额" in ask.conclusion and "第八条" in ask.conclusion, ask.conclusion


def test_declaring_inference_as_training_is_a_misstated_purpose(ask_pinned):
    r = ask_pinned("深圳：我们租的卡一半其实在跑对外推理服务，申报训力券时想统一写成“大模型训练”。这么写有什么风险？")
    ask = r.asks[0]
    assert ask.verdict == "risk", ask.conclusion
    assert "训练" in ask.conclusion and "第三条" in ask.conclusion, ask.conclusion


def test_an_invoice_above_what_is_delivered_is_an_inflated_contract(ask_pinned):
    r = ask_pinned(
        "成都：服务商说可以按100万给我们开票、实际只交付60万的算力，算力券按60%抵减后我们基本不用自己掏钱。这种操作有什么法律风险？"
    )
    ask = r.asks[0]
    assert ask.verdict == "risk", ask.conclusion
    assert "第一百四十六条" in ask.conclusion, ask.conclusion


# ------------------------------------------------------------- the law asked beside the check


def test_which_article_an_offer_breaks_is_the_law_and_whether_it_is_a_risk_the_check(ask_pinned):
    r = ask_pinned(
        "我们是亦庄一家做具身智能的公司。算力供应商提议：合同金额写800万，实际我们只付600万，差额他们事后以"
        "“技术服务费”名义返给我们，这样按30%能多拿点算力券。法务想确认：这种安排违反民法典哪一条？公司有没有风险？"
    )
    law, check = r.asks[:2]
    assert law.verdict == "answered" and "第一百五十四条" in law.conclusion, law.conclusion
    assert check.verdict == "risk", check.conclusion


def test_the_legal_basis_asked_after_a_question_mark_is_an_ask_of_its_own(ask_pinned):
    r = ask_pinned("假如我们据以申领算力券的合同后来被法院认定无效，已经拿到的补贴会怎样？法律依据是什么？")
    assert len(r.asks) == 2, [a.conclusion for a in r.asks]
    assert "第一百五十五条" in r.asks[1].conclusion, r.asks[1].conclusion


def test_the_legal_basis_asked_after_a_comma_stays_with_its_question(ask_pinned):
    r = ask_pinned("供应商给我们返点，这样申领算力券有没有问题，依据是什么？")
    assert len(r.asks) == 1, [a.conclusion for a in r.asks]


# ------------------------------------------------------------------------ enquiries, item by item


def test_who_may_apply_is_the_rule_not_a_check_of_the_caller(ask_pinned):
    r = ask_pinned("南京江北新区企业来电：南京算力券的补贴比例是多少？哪些单位可以申请？")
    who = r.asks[1]
    assert who.verdict == "answered" and "注册在南京" in who.conclusion, who.conclusion


def test_the_fields_a_program_supports_are_a_fact_of_its_text(ask_pinned):
    r = ask_pinned("天津滨海新区企业来函，请答复天津市算力券的补贴比例、资金来源和重点支持领域。")
    fields = r.asks[2]
    assert fields.verdict == "answered" and "智能制造" in fields.conclusion, fields.conclusion


def test_the_date_a_text_was_signed_off_is_its_issue_date(ask_pinned):
    r = ask_pinned("经开区企业服务中心：请答复亦庄算力券政策的文号、落款日期和主管部门，以便回复企业来函。")
    assert "2024年11月24日" in r.asks[1].conclusion, r.asks[1].conclusion


def test_a_page_the_texts_set_aside_is_not_the_answer_to_how_long_a_voucher_is_valid(ask_pinned):
    r = ask_pinned("来电企业为四川成都注册的企业，咨询贵州算力券：外省企业可以申领吗？抵扣比例多少？券有没有有效期？")
    valid = r.asks[2]
    assert valid.verdict == "not_published", valid.conclusion
    assert "不应采信" not in valid.conclusion


# ------------------------------------------------------------- a point's own facts and places


def test_a_compute_site_told_in_a_later_point_does_not_reach_back_to_the_first(ask_pinned):
    r = ask_pinned("芜湖：1. 高校能否申请算力补贴？2. 企业使用合肥的智算中心算力，能否申请芜湖的补贴？")
    universities, hefei = r.asks[:2]
    assert universities.verdict == "eligible", universities.conclusion
    assert hefei.verdict == "not_eligible" and "本地" in hefei.conclusion, hefei.conclusion


def test_a_place_given_as_an_example_of_outside_compute_is_not_the_region_asked(ask_pinned):
    r = ask_pinned("山东省：企业在省外（比如贵州）购买的算力，能否申请省级算力券？")
    ask = r.asks[0]
    assert ask.regions == ["shandong"], ask.regions
    assert ask.verdict == "not_eligible" and "省外" in ask.conclusion, ask.conclusion


def test_a_voucher_already_held_names_no_region_asked(ask_pinned):
    r = ask_pinned("请答复郑州算力券的政策文号，以及已获河南省级算力券的企业能否再申请市级券。")
    again = r.asks[-1]
    assert again.regions == ["zhengzhou"], again.regions
    assert "优先" in again.conclusion, again.conclusion


def test_where_a_parent_company_sits_is_not_the_region_asked(ask_pinned):
    r = ask_pinned(
        "What if the supplier is a subsidiary of our Hong Kong parent — does that contract still count?",
        [
            "We're a WFOE in Chaoyang, Beijing, in software. We signed a RMB 3m, 12-month compute contract in March 2025."
        ],
    )
    ask = r.asks[0]
    assert ask.verdict == "not_eligible", ask.conclusion
    assert "related" in ask.conclusion, ask.conclusion


def test_a_cluster_in_its_province_is_the_clusters_place(ask_pinned):
    r = ask_pinned(
        "We're using the Qingyang cluster in Gansu with a RMB 800k compute contract. How much voucher can we claim?"
    )
    assert [a.amount for a in r.asks[0].amounts] == ["240000.00"], r.asks[0].conclusion


def test_using_a_voucher_in_several_goes_is_no_split_claim(ask_pinned):
    r = ask_pinned("亦庄的 上季度算力结算了1,200,000元 能补多少？券能分几次用吗")
    assert r.asks[1].verdict != "risk", r.asks[1].conclusion


def test_our_subsidiary_in_a_city_is_the_applicant_there(ask_pinned):
    r = ask_pinned("Our Wuhu subsidiary uses local intelligent compute, CNY 4M this year. What's the subsidy?")
    assert r.asks[0].regions == ["wuhu"], r.asks[0].regions


# ------------------------------------------------------------------------------ the national level


def test_whether_a_national_voucher_exists_is_answered_in_english(ask_pinned):
    r = ask_pinned("Is there a national compute voucher in China? What's the national subsidy rate?")
    assert "region by region" in r.asks[0].conclusion, r.asks[0].conclusion


def test_our_note_on_how_to_answer_is_never_quoted_as_the_answer(ask_pinned):
    r = ask_pinned("企业问“国家算力券补多少”。请确认国家层面有没有统一的算力券补贴比例和上限。")
    assert all("回答“国家算力券补多少”之类问题时" not in a.conclusion for a in r.asks), [a.conclusion for a in r.asks]


def test_whether_a_voucher_can_be_used_for_compute_elsewhere_is_checked(ask_pinned):
    r = ask_pinned("济南的 我们在贵州租的算力 能用山东的算力券吗")
    ask = r.asks[0]
    assert ask.verdict in ("not_eligible", "ended") and "省内" in ask.conclusion, ask.conclusion


def test_a_small_foreign_owned_company_is_an_sme(ask_pinned):
    r = ask_pinned(
        "We're a small foreign-owned company in Future Sci-Tech City, Hangzhou. Our compute contracts this year"
        " add up to CNY 450,000 in total. What support can we get?"
    )
    assert [a.amount for a in r.asks[0].amounts] == ["225000.00"], r.asks[0].conclusion


def test_inference_rather_than_training_is_not_training(ask_pinned):
    r = ask_pinned(
        "We're a Shenzhen company (not a start-up) renting GPUs for RMB 1.2M, mostly to serve inference for our"
        " customers rather than training. Does the Shenzhen compute voucher cover that?"
    )
    assert r.asks[0].verdict in ("not_eligible", "undetermined"), r.asks[0].conclusion


# ----------------------------------------------------------------- claims heard, awards, measures


def test_claims_read_online_are_checked_against_the_texts_not_as_our_arrangement(ask_pinned):
    r = ask_pinned(
        "网上有篇文章说贵州算力券是一种虚拟货币、只限贵州注册的企业使用、有效期一年。我们要做内部合规培训，这几个说法对不对？"
    )
    ask = r.asks[0]
    assert ask.verdict == "answered", ask.conclusion
    assert "不可靠" in ask.conclusion or "数字化凭证" in ask.conclusion, ask.conclusion


def test_a_figure_heard_is_checked_against_the_clause_that_states_it(ask_pinned):
    r = ask_pinned(
        "Someone told us the district can top our rent subsidy up to 100%. Is that right?",
        [
            "We're an early-stage startup in Xuhui, Shanghai, renting compute for about RMB 1.5m a year. What can we get?"
        ],
    )
    assert "100%" in r.asks[0].conclusion, r.asks[0].conclusion


def test_an_award_listed_beside_the_rates_is_no_purchase_to_compute(ask_pinned):
    r = ask_pinned(
        "廊坊：我们是新落户的AI企业，又牵头一个省级重大项目，还用本地算力平台。新落户50万、重大项目60%、本地平台50%"
        "这几项能不能叠加享受？一年最多能拿多少？"
    )
    most = r.asks[1]
    assert not most.amounts or all(a.amount is None for a in most.amounts), most.amounts
    assert "100万" in most.conclusion, most.conclusion


def test_which_articles_bear_on_a_local_compute_only_rule_names_them(ask_pinned):
    r = ask_pinned(
        "芜湖的算力补贴只补用芜湖本地智能算力的费用。我们是外地的算力服务商，想提意见：这种“只补本地算力”的条款"
        "跟反垄断法、公平竞争审查条例的哪几条有关？"
    )
    ask = r.asks[0]
    assert ask.verdict == "answered", ask.conclusion
    assert "第九条" in ask.conclusion and "第四十一条" in ask.conclusion, ask.conclusion


def test_what_befalls_a_drafting_body_that_skipped_the_review_is_said(ask_pinned):
    r = ask_pinned("如果区里出台算力券办法时压根没做公平竞争审查，起草部门和负责人要承担什么后果？")
    ask = r.asks[0]
    assert "约谈" in ask.conclusion and "处分" in ask.conclusion, ask.conclusion


def test_a_list_of_points_the_texts_leave_open_is_not_published(ask_pinned):
    r = ask_pinned(
        "来函：一家注册在丰台区（不在经开区）的企业询问，能否申请北京经开区算力券、是否必须在经开区纳税。请出具答复口径。"
    )
    assert r.asks[1].verdict in ("not_published", "undetermined"), r.asks[1].conclusion


def test_a_promise_not_to_move_away_is_an_exit_restriction(ask_pinned):
    r = ask_pinned(
        "我们区的算力券申报指南里有一条：获得支持的企业须承诺5年内不迁出本区。这条在公平竞争审查里一般怎么评价？"
    )
    ask = r.asks[0]
    assert ask.verdict in ("risk", "answered"), ask.conclusion
    assert "第八条" in ask.conclusion and "迁出" in ask.conclusion, ask.conclusion


def test_a_part_of_our_own_summary_in_a_basis_is_named_as_ours(ask_pinned):
    r = ask_pinned("我们区准备出台算力券，只给本区注册的企业发，有什么风险？依据哪一条？")
    basis = r.asks[1]
    assert "第九条" in basis.conclusion, basis.conclusion
    # "三、" of the guideline summary is our numbering, not an article ("》三、" read as a typo)
    assert "第三部分（本库编号）" in basis.conclusion and "》三、" not in basis.conclusion, basis.conclusion
