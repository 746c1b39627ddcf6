"""Picking the sentence of a clause that answers a question.

Used for evidence under a conclusion, never for the conclusion itself: the sentence that shares
the rarest words with the question (weighted by corpus-wide inverse document frequencies set
from the BM25 index), favouring words a handler says matter ("上限", "申领").
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

# ("……(5000万元).Fees are……": the index drops the space after a full stop that follows Chinese text)
_SENT_SPLIT = re.compile(r"(?<=[。！？!?])|(?<=\.)\s+(?=[A-Z(])|(?<=[)）\u4e00-\u9fff]\.)(?=[A-Z][a-z])")
_LABEL = re.compile(r"^\s*(第[一二三四五六七八九十百零〇]+条|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)\s*")
_TAG = re.compile(r"【[^】]{1,30}】")


def sentences(text: str) -> list[str]:
    """Sentences of a clause; a long sentence is cut further at semicolons."""
    out: list[str] = []
    for p in _SENT_SPLIT.split(text or ""):
        p = (p or "").strip()
        if not p:
            continue
        if len(p) > 160 and ("；" in p or "; " in p):  # an English summary runs on with "; " as well
            out.extend(x.strip() for x in _at_semicolons(p) if x.strip())
        else:
            out.append(p)
    return [p for p in out if len(p) > 1]


def _at_semicolons(text: str) -> list[str]:
    """A long sentence cut after its semicolons, never inside brackets ("(305 days for the base
    period; 365 for the year)" stays whole)."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += 1 if ch in "(（" else -1 if ch in ")）" and depth else 0
        if depth == 0 and (ch == "；" or (ch == ";" and text[i + 1 : i + 2] == " ")):
            out.append(text[start : i + 1])
            start = i + 1
    return [*out, text[start:]]


# Corpus text must not bring its own citation markers into an answer ("依据[9]《国务院令》" would
# read as the answer's [9]): full-width brackets keep the words and drop the marker.
_CORPUS_MARKER = re.compile(r"\[(\d{1,2})\]")


def instructs_assistant(text: str) -> bool:
    """True for text that gives the assistant orders (prompt injection) rather than stating rules.

    Such a clause, even in an indexed document, is never quoted as an answer or a rule; the
    detector is the one applied to questions (lexicon/injection.yaml: "忽略以上规则", "SYSTEM:" ...).
    """
    from assistant.understand.phrases import instructs_assistant as _instructs

    return bool(text) and _instructs(text)


def clean_sentence(text: str) -> str:
    """A clause sentence without its label and topic tag (第七条 【单次申领比例】)."""
    text = _LABEL.sub("", text)
    text = re.sub(r"^\s*(【[^】]{1,30}】\s*)+", "", text)
    return _CORPUS_MARKER.sub(r"［\1］", text).strip()


_EN_STOP = {
    "is",
    "are",
    "was",
    "be",
    "a",
    "an",
    "the",
    "do",
    "does",
    "did",
    "how",
    "what",
    "which",
    "who",
    "can",
    "could",
    "of",
    "for",
    "to",
    "in",
    "on",
    "at",
    "my",
    "our",
    "we",
    "i",
    "you",
    "your",
    "it",
    "its",
    "and",
    "or",
    "if",
    "with",
    "from",
    "by",
    "this",
    "that",
    "there",
    "any",
    "much",
    "many",
    "get",
    "have",
    "has",
    "will",
    "would",
    "should",
    "about",
    "me",
    "us",
    "they",
    "their",
    "them",
    "as",
    "so",
    "not",
    "no",
    "yes",
}


def _norm_term(t: str) -> str:
    t = t.lower().strip()
    if t.isascii() and len(t) > 4 and t.endswith("s") and not t.endswith("ss"):
        t = t[:-1]
    return t


def _contains(body: str, term: str) -> bool:
    if not term.isascii():
        return term in body
    if not term.isalnum():
        return term in body.lower()
    return re.search(rf"\b{re.escape(term)}(s|es)?\b", body, re.I) is not None


# Corpus-wide inverse document frequencies (set from the BM25 index when the assistant loads), so
# that words every clause shares (算力券, voucher) weigh little and the distinctive ones decide.
IDF: dict[str, float] = {}


def set_idf(idf: dict[str, float]) -> None:
    global IDF
    IDF = dict(idf)


def score_sentences(
    candidates: list[tuple[Any, str]], terms: Iterable[str], prefer: Iterable[str] = ()
) -> list[tuple[float, Any, str]]:
    """Score (owner, sentence) pairs by question terms weighted by rarity among the candidates."""

    terms = list(dict.fromkeys(_norm_term(t) for t in terms if t and t.strip()))
    terms = [t for t in terms if t not in _EN_STOP and (len(t) > 1 or not t.isascii())]
    prefer = [p for p in prefer if p]
    bodies = [(owner, clean_sentence(s)) for owner, s in candidates]
    # Match on the sentence with its topic tag (【官方计算示例】 names what the clause is about); show it without.
    tagged = [_LABEL.sub("", s).strip() for _, s in candidates]
    n = max(len(bodies), 1)
    df = {t: sum(1 for _, b in bodies if _contains(b, t)) for t in terms}
    if IDF:
        top = max(IDF.values()) or 1.0
        # Squared, so one distinctive word outweighs several words every clause shares.
        weight = {t: (max(IDF.get(t, IDF.get(t + "s", top)), 0.05) / top) ** 2 * 4.0 for t in terms}
    else:
        weight = {t: math.log(1 + n / (1 + df[t])) for t in terms}
    scored = []
    for i, (owner, body) in enumerate(bodies):
        if not body or len(body) < 4 or instructs_assistant(body) or _HOW_TO_ANSWER.match(body):
            continue  # (a note of ours on how to answer, "回答……问题时，应说明……", is no statement)
        match_text = tagged[i] or body
        sc = sum(weight[t] for t in terms if df[t] and _contains(match_text, t))
        # Long sentences match more words by chance: a mild length normalisation.
        sc /= 0.7 + 0.3 * min(len(body) / 60.0, 3.0)
        sc += sum(1.5 for p in prefer if p != "<NUM>" and _contains(match_text, p.lower()) if p.isascii())
        sc += sum(1.5 for p in prefer if not p.isascii() and p in match_text)
        if "<NUM>" in prefer and re.search(r"\d", body):
            sc += 1.5
        if re.search(r"未见公开|看不到|没有找到", body) and not any("未" in p for p in prefer):
            sc -= 0.5
        if _REJECTED_CLAIM.search(body) and not any(_ABOUT_A_CLAIM.search(t) for t in terms):
            sc -= 1.0  # "……的网页不可靠，不应采信": a claim set aside, unless a claim is what is asked
        if re.match(r"是否|有无", body) or re.search(r"问清|建议确认|逐项自查|可逐项", body):
            sc -= 1.5  # a checklist of questions to ask is not an answer
        scored.append((sc, owner, body))
    return scored


_HOW_TO_ANSWER = re.compile(r"回答[^。]{0,40}时[，,]?\s*应")
_REJECTED_CLAIM = re.compile(r"不可靠|不应采信|unreliable|should not be relied", re.I)
_ABOUT_A_CLAIM = re.compile(r"网页|网上|网站|说法|靠谱|可靠|传言|听说|claim|website|rumou?r|reliable", re.I)


def best_sentence(text: str, terms: Iterable[str], prefer: Iterable[str] = (), avoid_tags: bool = True) -> str:
    """The sentence of ``text`` that shares most (rare) terms with the question, favouring ``prefer``."""
    sents = sentences(text)
    scored = score_sentences([(i, s) for i, s in enumerate(sents)], terms, prefer)
    if not scored:
        return "" if instructs_assistant(text) else clean_sentence(text)
    best = max(scored, key=lambda x: (x[0], -x[1]))
    return best[2]


def pick_best(
    hits: list[dict[str, Any]],
    terms: Iterable[str],
    prefer: Iterable[str] = (),
    top: int = 4,
    rank_bonus: float = 0.3,
    named: frozenset[str] = frozenset(),
) -> tuple[dict[str, Any] | None, str, float]:
    """The best sentence over the top hits: (hit, sentence, score). ``named``: the chunks whose
    clause heading the question names ("审核流程" and 第七条【审核流程】), favoured."""
    cands: list[tuple[Any, str]] = []
    hits = [h for h in hits if not instructs_assistant(h.get("text", ""))]  # a clause with injected orders
    for r, h in enumerate(hits[:top]):
        for i, sent in enumerate(sentences(h["text"])):
            cands.append(((r, h, i), sent))
    scored = score_sentences(cands, terms, prefer)
    # The first sentence of an English summary is the document's title, not an answer.
    scored = [
        (sc - (1.5 if o[2] == 0 and o[1].get("locator") == "English summary" and len(b) < 100 else 0.0), o, b)
        for sc, o, b in scored
    ]
    if not scored:
        return (hits[0] if hits else None), (clean_sentence(hits[0]["text"]) if hits else ""), 0.0
    best = max(
        scored,
        key=lambda x: (
            x[0]
            - rank_bonus * x[1][0]
            + (0.2 if x[1][1].get("kind") == "policy" else 0.0)
            + (HEADING_NAMED_BONUS if x[1][1].get("chunk_id") in named else 0.0)
        ),
    )
    return best[1][1], best[2], best[0]


# A clause whose heading the question names word for word is the clause asked about.
HEADING_NAMED_BONUS = 5.0
_HEADING = re.compile(r"^\s*第[一二三四五六七八九十百零〇0-9]+条\s*【([^】]{3,12})】")


def headings_named(hits: list[dict[str, Any]], question: str) -> frozenset[str]:
    """The chunks whose clause heading ("【审核流程】", "【发券机构】") the question names."""
    out = set()
    for h in hits:
        m = _HEADING.match(h.get("text", ""))
        if m and m.group(1) in question:
            out.add(h["chunk_id"])
    return frozenset(out)


# A statement that ends by saying the thing is not published ("……申报时间和兑付方式未见公开").
_UNPUBLISHED = re.compile(
    r"(未见公开|未公开|未公布|尚未公布|未找到|未披露|没有公开|未写明|not (?:been )?(?:published|disclosed|found))\W*$",
    re.I,
)


def ends_unpublished(sentence: str) -> bool:
    """Whether a sentence ends by saying its subject is not published ("……的内容，在所查资料中
    看不到，未见公开"), whatever it names before."""
    said = re.sub(r"\[\d+\]", "", sentence).strip(" 。.")
    return bool(_UNPUBLISHED.search(_CAUTION_AFTER.sub("", said)))  # "……均未见公开，不应据此作出推断"


def says_unpublished(conclusion: list[str]) -> bool:
    """Whether the conclusion only says that things are not published: every part of every
    statement ("……比例、上限和申报流程未见公开；中卫市的专门规定也未找到") ends so, and none states a
    fact beside it ("发布日期为……，文号未见公开" is an answer)."""
    # "有一个网页称……该网页不可靠，不应采信": a statement setting a claim aside says nothing published
    conclusion = [c for c in conclusion if not _REJECTED_CLAIM.search(c)]
    sentences = [x for c in conclusion for x in re.split(r"(?<=[。.!！])(?:\[\d+\])*", c) if x.strip(" []0123456789")]
    if not sentences:
        return False
    for sentence in sentences:  # every statement of it, not only the first
        said = re.sub(r"\[\d+\]", "", re.split(r"[:：]", sentence)[-1]).strip(" 。.")
        said = _SOURCE_AFTER.sub("", said).strip(" 。.")  # "……未公布单个主体上限（《……》第二条）"
        said = _CAUTION_AFTER.sub("", said)  # "……均未见公开，不应据此作出推断"
        listed = bool(_LISTED_UNPUBLISHED.search(said))
        said = _WHERE_LOOKED.sub("", said)  # "……及处罚，在所查资料中都未见公开": one statement
        parts = [p.strip() for p in re.split(r"[；;]", said) if p.strip()]
        if not parts or not all((listed or not re.search(r"[，,]", p)) and _says_unpublished_part(p) for p in parts):
            return False
    return True


# "，在所查资料中都未见公开": where it was looked for, before the verb; not a fact of its own
_WHERE_LOOKED = re.compile(
    r"[，,]\s*(在?所查资料中|在?公开资料中)?\s*(都|均|也)?\s*(?=未见公开|未公开|未公布|没有公开)"
)
# "……例如是否必须在经开区注册、纳税，行业和规模有无限制，均未见公开": a list of open points, no figure
_LISTED_UNPUBLISHED = re.compile(r"^[^\d]*[，,]\s*(均|都|也都|亦)(未见公开|未公开|未公布)$")
# The clause a statement rests on, in brackets at its end: not a fact of its own.
_SOURCE_AFTER = re.compile(r"\s*[（(][^（）()]*(?:第[一二三四五六七八九十百零\d]+条|《[^》]+》)[^（）()]*[）)]$")
# A caution after the statement ("，不应据此作出推断", "，请以发文单位答复为准"): no fact of its own.
_CAUTION_AFTER = re.compile(r"[，,]\s*(不应据此|不能据此|请以|以[^，,。]{1,12}为准|请向)[^，,。]*$")
# "……未公布单个主体上限" / "No cap per entity is published for ……": the verb before its object.
_UNPUBLISHED_BEFORE = re.compile(
    r"(?:未见?公布|未见?公开|未写明|没有公布)[^，,的]{1,12}$|^No\b[^,]*\bis (?:published|given)\b", re.I
)


def _says_unpublished_part(part: str) -> bool:
    return bool(_UNPUBLISHED.search(part) or _UNPUBLISHED_BEFORE.search(part))


# ---------------------------------------------------------------- the draft


def asks_open_detail(question: str, passage: str) -> bool:
    """Whether the question asks for the detail a passage says is not published, not the one it
    states: "过期了能不能延期" against "有效期为12个月。有效期从何时起算、过期后能否延期，未见公开。"
    names what one open item ends on (延期); "有效期多长" or "券多久过期" ask what is stated."""
    parts = [x for x in re.split(r"(?<=[。！？!?])", passage) if x.strip()]
    opened = [p for p in parts if _UNPUBLISHED.search(p.strip(" 。."))]
    stated = "".join(p for p in parts if p not in opened)
    if not opened or not stated:
        return False
    for sentence in opened:
        listed = _UNPUBLISHED.sub("", sentence.strip(" 。.")).strip("，, ")
        for item in re.split(r"[、，,；;]|和|及|或", listed):
            cjk = re.sub(r"[^\u4e00-\u9fff]", "", item)
            tail = cjk[-2:]  # what the item asks about: "起算", "延期"
            if len(tail) == 2 and tail in question and tail not in stated:
                return True
    return False


def with_what_follows(question: str, text: str, sentence: str) -> str:
    """The sentence and the next when the next says what is open of it ("有效期为12个月" then
    "……从何时起算……未见公开", asked "从哪天开始算") or judges it ("这与官方表述相矛盾……不可靠")."""
    sents = [clean_sentence(s) for s in sentences(text)]
    i = sents.index(sentence) + 1 if sentence in sents else 0
    nxt = sents[i] if 0 < i < len(sents) else ""
    opened = _UNPUBLISHED.search(nxt.strip(" 。.")) and asks_open_detail(question, sentence + nxt)
    judged = re.match(r"(这|该|此|上述)[^。]*(不可靠|相?矛盾|不应采信)", nxt)
    return sentence + nxt if nxt and (opened or judged) else sentence


# ---------------------------------------------------------------- a sentence with what it leans on

_ANAPHOR = re.compile(r"^(另一方面|此外|同时|但是?|不过|因此|所以|该|这|其|上述|前述|以上|而且|并且|也)")
_LEAD_LABEL = re.compile(r"^[^：:，。]{2,10}[：:]")
# "通过这一渠道反映", "按上述规定": a sentence whose point is named in the sentence before it
_POINTS_BACK = re.compile(
    r"这一(渠道|规定|条款|条|制度|要求|做法|程序|原则)|(前|后)(?P<n>两|三|几)(个|项)(条件|要求)|(依照|按照|按|依据|根据)(上述|前述|以上|该)(规定|条款|要求)"
    r"|(上述|前述)(条例|办法|文件|政策|措施|通知|细则)"  # "已被上述条例和实施办法取代"
)
# "一是……；二是……；三是……": a long list cut at its semicolons; a later item needs the first
_LIST_GOES_ON = re.compile(r"^(二|三|四|五|六)是|^其(二|三|四)[，,]")
_LIST_STARTS = re.compile(r"一是|其一[，,]")
# A sentence saying a detail of something is not published ("……能否延期，未见公开").
_OPEN_DETAIL = re.compile(r"(未见公开|未公开|未写明|未公布)\W*$")


def sentence_with_context(hit: dict[str, Any], sentence: str) -> str:
    """A picked sentence that leans on the one before it ("另一方面，……", "该平台……") keeps it."""
    body = _LEAD_LABEL.sub("", sentence)  # "与算力券的关系：……可以通过这一渠道反映"
    back = _POINTS_BACK.search(body)
    if _LIST_STARTS.search(body) and sentence.rstrip().endswith("；"):  # "……：一是……；": the rest of the list
        sents = [clean_sentence(s) for s in sentences(hit["text"])]
        i = sents.index(sentence) if sentence in sents else len(sents)
        j = next((k for k in range(i + 1, len(sents)) if not _LIST_GOES_ON.match(sents[k])), len(sents))
        return "".join(sents[i:j]) if i < len(sents) else sentence
    listed = _LIST_GOES_ON.match(body)  # "二是……；三是……": a list cut at its semicolons
    if not (_ANAPHOR.match(body) or back or listed):
        if not _OPEN_DETAIL.search(body):
            return sentence
        # "有效期从何时起算……未见公开" after "有效期为12个月": what is open about the subject
        # the sentence before states keeps that statement
        sents = [clean_sentence(s) for s in sentences(hit["text"])]
        i = sents.index(sentence) if sentence in sents else -1
        if i > 0 and body[:3] in sents[i - 1] and re.search(r"\d", sents[i - 1]):
            return sents[i - 1] + sentence
        return sentence

    # "仍须满足后两个条件": the two sentences before it state them
    n = {"两": 2, "三": 3, "几": 2}.get(back.group("n") or "", 1) if back else 1
    sents = [clean_sentence(s) for s in sentences(hit["text"])]
    if sentence in sents:
        i = sents.index(sentence)
        start = max(0, i - n) if i > 0 else i
        if _LIST_GOES_ON.match(sents[start]):  # the items named begin a list cut at its semicolons
            start = next((j for j in range(start, -1, -1) if _LIST_STARTS.search(sents[j])), start)
        return "".join(sents[start:i]) + sentence
    return sentence
