"""Where each place named in a message stands: where the firm is registered, where its compute
is, what is asked about, where it moved from, a purchase made there, or a place it says it is not.

Why its own module: a place's role decides which program answers (the registered place, the
region asked, the compute site for local-compute rules); reading the roles is one job, and
reading the rest of a turn's facts (facts.py) another.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.understand import places as places_mod
from assistant.understand.case import Case, Clarification, Place
from assistant.understand.clauses import Clause, clause_at
from assistant.understand.phrases import first_match, tables
from assistant.understand.readings import settle_reading
from assistant.understand.split import asks_something

_PAST_ASK = re.compile(
    r"(之前|刚才|上次|前面|先前)[^，。,;；]{0,4}(问过|问了|咨询过|咨询了|说过|说的)|asked (before|earlier) about", re.I
)
# "如使用的是合肥的算力", "if we used compute in Hefei": a compute site supposed, not stated
_SUPPOSED = re.compile(r"(如|如果|假如|假设|要是|若|倘若)[^，。,;；？?]{0,10}$|\bif (we|they|it) [^,.;?]{0,20}$", re.I)
_HYPOTHETICAL_PLACE = re.compile(
    r"(如果|假如|假设|要是|若)[^，。,;；]{0,4}(注册|落户|设立|搬到|迁到)|if we (were|are) registered|if we (move|moved)",
    re.I,
)


def _place_role(text: str, clause: Clause, start: int, end: int) -> str:
    """registration | compute | asked | qualifies | origin | part | denied | example | received |
    party: whether a place says where the firm is, where its compute is, what is asked about (or
    names something else, a weaker ask), or only tells something apart (where the firm moved
    from, the purchase made there, a place it says it is not, an instance given, a voucher the
    firm already holds, where another party is)."""
    cues = tables()["registration_cues"]
    before_all = text[clause.start : start]
    before, before_en = before_all[-10:], before_all[-40:]
    after = text[end : clause.end][:8]
    compute = tables()["compute_cues"]
    if first_match(before_en if before_en.isascii() else before, [p + r"\s*$" for p in tables()["place_denied"]]):
        return "denied"  # "公司其实在苏州 不在上海": a place said not to be the firm's, asked by nobody
    if first_match(before_en, tables()["place_example_before"]):
        return "example"  # "在省外（比如贵州）购买的算力": an instance of something, asked about by nobody
    if first_match(text[end : clause.end], tables()["place_party_after"]):
        return "party"  # "our Hong Kong parent": where another party is ("our Nanning subsidiary" is us)
    if re.search(r"(从|由)\s*$", before) and re.match(r"^\s*(搬|迁|挪|转移)(到|来|去|至|往)", text[end : clause.end]):
        return "origin"  # "从北京搬到廊坊落户": where the firm comes from, asked about by nobody
    if first_match(before, tables()["place_rule_before"]) and not re.search(r"(我们|我司|本公司)", before):
        return "asked"  # "北京市算力券要求在北京注册的独立法人": the rule's place, not the firm's
    if re.match(r"^的?(那|这)(部分|笔|一笔|份)", after):
        return "part"  # "合肥那部分能不能一起算": the purchase made there, if its compute is there
    voucher_after = re.match(r"^(省|市)?(级)?的?(算力券|训力券|模型券|语料券|数据券|券|补贴)", after)
    if voucher_after and first_match(before, tables()["place_held_before"]):
        return "received"  # "已获河南省级算力券的企业能否再申请市级券": what the firm has, not the ask
    if re.match(r"^(省|市)?(级)?的?(算力券|训力券|模型券|语料券|数据券|券|补贴|政策)", after):
        return "asked"  # "能不能用山东的算力券": the voucher named, not where compute is used
    if (
        first_match(after, compute["after"])
        or (re.search(r"(在|到|去)\s*$", before) and first_match(after, compute["there_after_at"]))
        or any(re.search(p, before_en if p.isascii() else before, re.I) for p in compute["verb_before"])
    ):
        return "compute"
    if first_match(before, [p + "$" for p in cues["asked"]]) or re.match(
        r"^的?(算力券|政策|补贴|规定|券|吗|呢)", after
    ):
        return "asked"
    if re.fullmatch(r"\s*(在|位于)", before) and not text[end : clause.end].strip("，。,;；！!？? "):
        return "registration"  # "…制造业企业，在芜湖，能申请吗": a clause that only says where
    if any(re.search(p + r"\s*$", before_en if p.isascii() else before, re.I) for p in cues["before"]):
        return "registration"
    if any(re.match(r"^\s*" + p, after, re.I) for p in cues["after"]):
        return "registration"
    if re.match(r"^('s|的)", after):
        return "qualifies"  # "Beijing's AGI partner programme": a place naming something else
    return "asked"


def _just_before(text: str, pm: Any, other: Any, place: Place) -> bool:
    """A city written right before a place inside it ("Beijing Yizhuang"), only a space between:
    it places that place ("北京市和北京经开区" names two)."""
    gap = text[pm.end : other.start]
    return 0 <= other.start - pm.end <= 3 and not gap.strip(" ,，") and not place.district and not place.zone


def read_places(clean: str, cls: list[Clause], case: Case, covered: frozenset[str]) -> list[tuple[int, Place]]:
    asked: list[tuple[int, Place]] = []
    qualifying: set[str] = set()  # regions named only to qualify another noun
    denied: list[tuple[int, Place]] = []
    found = places_mod.find_places(clean)
    for pm in found:
        place = pm.place
        if any(
            o is not pm
            and place.region
            and place.region in o.place.chain[1:]
            and (
                (0 <= pm.start - o.end <= 3 and "，" not in clean[o.end : pm.start])
                or _just_before(clean, pm, o, place)
            )
            for o in found
        ):
            continue  # "Yizhuang, Beijing", "Beijing Yizhuang": the city is said only to place the zone
        case.places.append(place)
        role = _place_role(clean, clause_at(cls, pm.start, pm.end), pm.start, pm.end)
        if place.ambiguous:
            place = settle_reading(clean, pm.end, place, covered, [o.place for o in found if o is not pm])
        if role == "part" and case.compute_at is not None and case.compute_at.region == place.region:
            continue  # "另外在合肥用了1000万……合肥那部分": that purchase, not a region asked about
        if role in ("denied", "received"):
            denied.append((pm.start, place))
        if role in ("origin", "denied", "example", "received", "party"):
            continue
        if (
            role == "compute"
            and _SUPPOSED.search(clean[max(0, pm.start - 12) : pm.start])
            and asks_something(clean[: clause_at(cls, pm.start).start])
        ):
            continue  # "……请答复金额；如使用的是合肥的算力，能否享受": a later point supposes it, not the case
        if role == "compute":
            case.compute_at = place  # where the compute is: a fact, not a region asked about
        elif role == "registration" and case.applicant.registered is None:
            case.applicant.registered = place
        elif _PAST_ASK.search(clause_at(cls, pm.start).text):
            pass  # "我们之前问过北京的": context for this question, not what it asks about
        else:
            asked.append((pm.start, place))
            if role == "qualifies" and place.region:
                qualifying.add(place.region)
        if place.ambiguous:
            case.clarifications.append(
                Clarification(fact="place", question_zh="", question_en="", options=place.candidates)
            )
    if not asked and case.applicant.registered is None and case.compute_at is None:
        asked = denied  # "注册地不在北京，能申请吗": still the program asked about
    for _, place in asked:
        code = places_mod.covered_region(place, covered)
        if code and code not in case.regions:
            case.regions.append(code)
        elif code is None and not place.ambiguous and place.text not in case.unknown_places:
            case.unknown_places.append(place.text)
    at = case.compute_at
    code = places_mod.covered_region(at, covered) if at is not None else None
    reg = case.applicant.registered
    # "我们在庆阳集群用算力": its program is the one asked about (not the province of a city firm:
    # "芜湖的企业……另外在合肥用了1000万" asks about Wuhu)
    if code and not case.regions and not asked and not (reg is not None and code in reg.chain[1:]):
        case.regions.append(code)
    if reg is not None:
        code = places_mod.covered_region(reg, covered)
        if code and not case.regions:
            case.regions.append(code)
        elif code and code not in case.regions and set(case.regions) <= qualifying & set(reg.chain[1:]):
            case.regions = [code]  # "Beijing's AGI partner programme, based in Shijingshan": Shijingshan's
        elif code and code not in case.regions and re.search(r"同时|也能|也可以|两边|both|also|as well", clean, re.I):
            case.regions.insert(0, code)  # "亦庄的企业能同时申请北京市的吗": both are asked about
        elif code and code not in case.regions and _HYPOTHETICAL_PLACE.search(clean):
            case.regions.insert(0, code)  # "如果注册在廊坊，能拿多少": the supposed place is asked about
        elif code is None and not reg.ambiguous and reg.text not in case.unknown_places:
            case.unknown_places.append(reg.text)
    return asked
