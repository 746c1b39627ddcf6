"""Messages from dev-15's first run, by cause: each contract on its own site, money already
received written the way finance staff write it, a detail the text says is not published, a
document the library does not hold asked about in several parts, and arrangements in plain words
(a contract only "走个账", a doubled amount, a claim split in three, an unpaid contract).
"""

from __future__ import annotations

from decimal import Decimal


def test_each_contract_is_checked_on_its_own_site(ask_pinned, amounts_of):
    r = ask_pinned(
        "芜湖的企业：今年在本地智算中心的算力费9000万，另外在合肥用了1000万。能补多少？合肥那部分能不能一起算"
    )
    first, second = r.asks
    assert first.regions == ["wuhu"] and Decimal("20000000.00") in amounts_of(r), first.conclusion
    assert second.verdict == "not_eligible" and "本地" in second.conclusion
    # one site named for one contract does not fail the other
    assert "9000万" in first.conclusion and "不符合" in first.conclusion.split("合同②")[1]


def test_the_voucher_named_after_a_place_is_not_where_compute_is(ask_pinned):
    r = ask_pinned("济南的企业，2025年在贵州买的算力，当时能不能用山东省的算力券？")
    assert r.asks[0].verdict == "not_eligible" and "省内" in r.asks[0].conclusion


def test_money_already_received_is_taken_off_the_years_cap(ask_pinned, amounts_of):
    r = ask_pinned("亦庄 今年算力券已经拿了1800万 年底又结算了1000万算力费 还能拿多少")
    assert Decimal("2000000.00") in amounts_of(r), r.answer
    r = ask_pinned("这一年总的算力费是40万 还能再补多少", ["武汉的一人公司 今年OPC算力补贴已经到账8万"])
    assert Decimal("120000.00") in amounts_of(r), r.answer


def test_two_contracts_of_the_same_figure_are_both_counted(ask_pinned):
    r = ask_pinned("郑州金水区的 今年签了两份算力合同 每份300万 加起来能拿多少算力券")
    conclusion = r.asks[0].conclusion
    assert "合同②" in conclusion and "合计1,000,000元" in conclusion, conclusion


def test_twelve_months_of_rent_is_a_total_not_a_monthly_figure(ask_pinned, amounts_of):
    r = ask_pinned("上海的初创小企业 租算力12个月租金90万 市里能补多少")
    assert Decimal("270000.00") in amounts_of(r) and "1080万" not in r.answer


def test_lines_beside_a_compute_fee_count_where_the_program_counts_them(ask_pinned, amounts_of):
    r = ask_pinned("廊坊的 用本地算力平台 今年付了算力60万、存储20万、技术支持10万 算力券按多少基数算 能补多少")
    base, amount = r.asks
    assert base.verdict == "answered" and "90万" in base.conclusion
    assert Decimal("450000.00") in amounts_of(r)


def test_how_the_base_is_worked_out_is_answered_before_the_amount(ask_pinned):
    r = ask_pinned("亦庄的 算力合同签的是500万 实际结算下来420万 算力券按哪个数算 能拿多少")
    assert [a.verdict for a in r.asks] == ["answered", "amount"], r.answer
    assert "420万" in r.asks[0].conclusion


def test_whether_a_voucher_can_be_extended_is_what_the_text_leaves_open(ask_pinned):
    r = ask_pinned("庆阳的算力券过期了能不能延期")
    assert r.asks[0].verdict == "not_published" and "未见公开" in r.asks[0].conclusion
    # how long it runs is stated
    r = ask_pinned("西峰区的企业 算力合同费用1,200,000元 庆阳的算力券能领多少 券多久过期")
    assert r.asks[-1].verdict == "answered" and "12个月" in r.asks[-1].conclusion


def test_each_part_of_an_enquiry_about_an_unheld_document_is_about_that_document(ask_pinned):
    r = ask_pinned("请答复来电企业：国家层面发改数据〔2024〕1822号文件叫什么名称、哪天公布的、里面对算力券是怎么说的？")
    assert len(r.asks) == 3
    assert "2025年1月13日" in r.asks[1].conclusion
    assert all("国家层面没有统一" not in a.conclusion for a in r.asks)


def test_arrangements_in_plain_words_are_findings(ask_pinned):
    # a pledge asked about alone is what the texts make of the voucher (not a finding: other
    # writers read it as a question of its nature)
    r = ask_pinned("我们领到的算力券能不能拿去银行质押融资")
    assert r.asks[0].verdict == "answered" and "有价证券" in r.asks[0].conclusion
    r = ask_pinned("没有真用算力 只是签个合同走个账 去申南宁的算力补贴 会怎么样")
    assert r.asks[0].verdict == "risk" and "第一百四十六条" in r.asks[0].conclusion
    assert ask_pinned("帮我写一份算力服务合同模板 金额写高一倍 这样能多领点算力券").asks[0].verdict == "risk"
    r = ask_pinned("北京的 我们一份算力合同600万 能不能拆成三次 每次申领一部分算力券")
    assert r.asks[0].verdict == "risk" and "一合同一申领" in r.asks[0].conclusion


def test_an_unpaid_contract_is_checked_against_a_payment_condition(ask_pinned):
    history = ["扬州邗江的 我们是613产业体系里的企业 在运河城市算力平台上租的算力"]
    r = ask_pinned("合同已经签了但钱还没付 现在能先申算力券吗", history)
    assert r.asks[0].verdict == "not_eligible" and "付款" in r.asks[0].conclusion
    r = ask_pinned(
        "这份合同之前已经拿过市里另一个专项资金的补贴了 还能再申吗", ["扬州的企业 有一份算力合同准备申算力券"]
    )
    assert r.asks[0].verdict == "not_eligible"


def test_whether_a_subsidiary_must_be_registered_there_is_the_texts_rule(ask_pinned):
    r = ask_pinned("我们是杭州的公司 想用贵州的算力券 需要专门在贵州注册个子公司吗")
    assert r.asks[0].verdict == "answered" and "省外" in r.asks[0].conclusion


def test_a_districts_own_add_on_is_what_the_texts_say_of_the_district(ask_pinned):
    r = ask_pinned("我们在闵行 小公司 租算力每个月12万 租了一年 市里能补多少 闵行区自己还有没有补的")
    assert r.asks[1].verdict == "not_published" and "闵行" in r.asks[1].conclusion


def test_a_rumour_is_answered_with_what_the_text_makes_of_it(ask_pinned):
    r = ask_pinned("网上说贵州算力券是虚拟货币 只有贵州注册的企业能用 有效期一年 靠谱吗")
    assert r.asks[0].verdict == "answered" and "不可靠" in r.asks[0].conclusion


def test_where_else_to_apply_is_the_process_not_the_period(ask_pinned):
    history = ["我们是张江的一家做大模型的公司", "租了一年算力 合同600万"]
    r = ask_pinned("市里能补多少 张江那边还有没有另外的申报渠道", history)
    assert r.asks[1].intent == "process" and "浦易达" in r.asks[1].conclusion


def test_a_city_voucher_after_the_provinces_is_the_stacking_rule(ask_pinned):
    r = ask_pinned("郑东新区的公司 已经拿过河南省的算力券了 还能申郑州市的吗")
    assert r.asks[0].verdict == "answered" and "优先" in r.asks[0].conclusion


def test_each_question_of_a_run_on_message_is_answered(ask_pinned):
    r = ask_pinned("河南省算力券 我们一年算力使用费400万 能补多少 这钱是省里出还是市里出")
    assert len(r.asks) == 2 and "1:1" in r.asks[1].conclusion
    r = ask_pinned("南宁算力券金额最后是四舍五入还是直接舍掉 保留到几位小数")
    assert len(r.asks) == 2 and "4位" in r.asks[1].conclusion
    r = ask_pinned("雄安新区的企业能领算力券不 补多少")
    assert len(r.asks) == 2 and all(a.verdict == "refused" for a in r.asks)


def test_an_english_statement_is_not_a_question_and_now_means_today(ask_pinned, amounts_of):
    r = ask_pinned(
        "Our JV is registered in Beijing and is a manufacturer. We signed a CNY 1.2M, 12-month compute contract "
        "in Feb 2025. What would the Beijing AI compute coupon have paid on it, and can we still apply now?"
    )
    assert [a.verdict for a in r.asks] == ["amount", "ended"], r.answer
    assert Decimal("240000.00") in amounts_of(r)


def test_a_firm_from_elsewhere_is_undetermined_where_the_text_is_silent(ask_pinned):
    r = ask_pinned("漳州的算力券是不是只给漳州本地注册的企业 外地企业租漳州的算力能申吗")
    assert r.asks[1].verdict == "undetermined" and "外地" in r.asks[1].conclusion


def test_a_cloud_provider_buying_domestic_servers_gets_the_providers_support(ask_pinned, amounts_of):
    r = ask_pinned(
        "我们是云服务商 在亦庄 采购了一批国产AI芯片服务器 国产芯片服务器那部分合同三千万 也接入了经开区调度平台 能补多少"
    )
    assert Decimal("3000000.00") in amounts_of(r) and "10%" in r.asks[0].conclusion


def test_what_was_bought_is_read_from_the_words_before_a_spaced_amount(ask_pinned, amounts_of):
    history = ["苏州相城的 我们跟一家非关联的语料公司签了采购合同 两百八十万"]
    r = ask_pinned("上次说的那个合同能补多少 啥时候能申报", history)
    assert Decimal("560000.00") in amounts_of(r) and "语料券" in r.asks[0].conclusion


def test_a_laws_implementing_measure_named_without_brackets_is_its_own_text(ask_pinned):
    r = ask_pinned("公平竞争审查条例实施办法是什么时候施行的 地方出的算力券措施在不在它的适用范围里")
    assert r.asks[0].verdict == "answered" and "2025年4月20日" in r.asks[0].conclusion


def test_which_years_cap_a_claim_across_years_falls_in_is_left_open(ask_pinned):
    r = ask_pinned(
        "这份合同25年1月才结算开票 算力券占的是24年的年度额度还是25年的", ["北京的企业 有一份智算合同是2024年12月签的"]
    )
    assert r.asks[0].verdict == "undetermined", r.answer


def test_an_applicants_stated_trait_selects_the_scheme_written_for_it(ask_pinned, amounts_of):
    r = ask_pinned("石景山的 我们是北京市重点人工智能企业 今年算力租用花了1200万 区里最多补多少")
    assert Decimal("3000000.00") in amounts_of(r) and "300万" in r.asks[0].conclusion
    # without the trait the filed-model scheme (10 million cap) computes the same spend
    assert Decimal("3600000.00") in amounts_of(ask_pinned("石景山的 今年算力租用花了1200万 区里最多补多少"))
    r = ask_pinned("拱墅区做AI眼镜的终端企业 买算力和模型服务的合同300万 听说有终端企业专门的算力券 能补多少")
    assert "终端" in r.asks[0].conclusion and "征求意见稿" in r.asks[0].conclusion


def test_who_the_voucher_is_paid_to_is_the_redemption_clause(ask_pinned):
    r = ask_pinned("天府软件园的公司 打算买三百万的算力服务 成都算力券能抵多少 是我们直接拿钱还是怎么弄")
    assert r.asks[1].verdict == "answered" and "服务提供商" in r.asks[1].conclusion


def test_holding_a_one_off_voucher_and_the_fee_support_is_the_highest_rule_clause(ask_pinned):
    r = ask_pinned("还用了本地算力平台 那个一次性50万和按使用费补的能同时拿吗", ["廊坊的 我们是今年新落户的AI企业"])
    assert r.asks[0].verdict == "answered" and "最高的一项" in r.asks[0].conclusion


def test_a_helpdesk_request_for_the_figures_is_answered_from_the_rules(ask_pinned):
    r = ask_pinned("来电企业询问贵州算力券的抵扣比例和单个企业上限，请代拟一段答复。")
    assert r.asks[0].verdict == "not_published" and "比例未见公开" in r.asks[0].conclusion
    r = ask_pinned("深圳训力券的合同金额 是按含税价算还是按不含税价算")
    assert r.asks[0].verdict == "not_published" and "含税" in r.asks[0].conclusion


def test_whether_both_sides_may_claim_asked_as_a_rule_is_the_rule(ask_pinned):
    r = ask_pinned("客户也想申算力券 同一笔业务我们和客户能不能都申", ["我们是庆阳集群里的算力供给方"])
    assert r.asks[0].verdict == "answered" and "供给方优先" in r.asks[0].conclusion
    # a plan to both claim, checked, is a finding
    assert ask_pinned("庆阳这边同一笔算力业务 我们和供应商两边都申请算力券 行吗").asks[0].verdict == "risk"
