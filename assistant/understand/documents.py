"""Documents a message names by their number ("京技管发〔2024〕29号") or title in 《》.

Why: a helpdesk enquiry often names the document instead of the place ("企业问京技管发〔2024〕29号
今天是否仍然有效"), and a place word that is ambiguous on its own ("经开区": Beijing's, Guangzhou's,
any city's) is settled by the document the same message names. The documents come from the
loaded index (``Knowledge.docs``), passed in by the caller: the understanding reads no files.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号")
_TITLE = re.compile(r"《([^》]{4,80})》")
_BRACKETED = re.compile(r"[（(][^）)]*[）)]|\s")
MIN_TITLE_CHARS = 8  # a shorter quoted name ("若干措施") says too little to pick one document
# "《公平竞争审查条例实施办法》" is not the 条例: a title with a derived text's name after it
_DERIVED = re.compile(r"(实施办法|实施细则|实施意见|实施方案|解读|释义|配套)")
# "上海2023年大模型措施", "杭州2024年7月的算力券措施", "2025年6月的新举措": a document named by
# the year it was issued; words of a purchase in between ("2025年签的合同") make it a date instead.
_DOC_YEAR = re.compile(
    r"(20\d{2})(?:\s*[-—–至到]\s*20\d{2})?\s*年(?:\s*\d{1,2}\s*月)?份?(?:发布|出台|印发|颁布|公布)?的?"
    r"([^，。；;？?！!、]{0,14}?)(措施|政策|方案|办法|通知|文件|细则|举措|清单|版本)"
)
_NOT_A_DOCUMENT = re.compile(r"签|合同|租|买|采购|结算|付|申请|申报|领|用了|花")
# "该措施现在是否有效", "两者的上限": the ask is about the document named earlier in the message
_SHORT_QUESTION = 8  # characters: "哪天开始施行的", "文号呢"
_REFERS_BACK = re.compile(
    r"(该|此|上述|这个|这份|这一|前述|原)(措施|政策|文件|方案|办法|通知|细则|举措|规定)|两者|二者|两个文件"
)


@dataclass(frozen=True)
class DocRef:
    """What the understanding needs of one indexed document."""

    doc_id: str
    region: str
    title: str
    doc_number: str | None = None
    issued_year: int | None = None


def _plain_number(text: str) -> str:
    return re.sub(r"[\[［(（]", "〔", re.sub(r"[\]］)）]", "〕", re.sub(r"\s", "", text)))


def _plain_title(text: str) -> str:
    return _BRACKETED.sub("", text)


@lru_cache(maxsize=1)
def _law_names() -> dict[str, str]:
    """The names users give the national legal texts without 《》 (民法典, 反垄断法) -> doc id."""
    from assistant import lexicon

    return {str(k).lower(): str(v) for k, v in lexicon.load_yaml("evidence_words.yaml")["law_docs"].items()}


def names_held_law(text: str) -> bool:
    """Whether a text names one of the national legal texts the library holds (民法典, 反垄断法,
    公平竞争审查条例): a question about it is on the subject even with no voucher word."""
    lowered = (text or "").lower()
    return any(word in lowered for word in _law_names())


def named_documents(text: str, documents: Iterable[DocRef]) -> list[DocRef]:
    """The indexed documents ``text`` names, in the order named (a document once)."""
    docs = list(documents)
    found: list[tuple[int, DocRef]] = []
    numbers = [(d, _plain_number(d.doc_number)) for d in docs if d.doc_number]
    for m in _DOC_NUMBER.finditer(text):
        number = _plain_number(m.group(0))  # may carry words before the issuer's code, or fewer
        found += [(m.start(), d) for d, own in numbers if own and (own in number or number in own)]
    for m in _TITLE.finditer(text):
        asked = _plain_title(m.group(1))
        if len(asked) < MIN_TITLE_CHARS:
            continue
        for d in docs:
            title = _plain_title(d.title)
            if title and (asked in title or (title in asked and not _DERIVED.match(asked.split(title, 1)[1]))):
                found.append((m.start(), d))
    lowered = text.lower()
    titled = [m.span() for m in _TITLE.finditer(text)]
    for word, doc_id in _law_names().items():  # "公平竞争审查条例是第几号令": a law named without 《》
        at = lowered.find(word)
        if at < 0 or any(a <= at < b for a, b in titled) or _DERIVED.match(text[at + len(word) :]):
            continue  # inside a title (read above) or another text's name ("……条例实施办法")
        found += [(at, d) for d in docs if d.doc_id == doc_id]
    out: list[DocRef] = []
    for _, d in sorted(found, key=lambda f: f[0]):
        if d not in out:
            out.append(d)
    return out


def unheld_documents(text: str, documents: Iterable[DocRef]) -> list[str]:
    """Document numbers and 《titles》 ``text`` names that match no indexed document
    ("鲁政办字〔2025〕49号", a package a summary only mentions): the question is about a text the
    library does not hold, so the rules of the one it does hold do not answer it."""
    docs = list(documents)
    out: list[str] = []
    for m in _DOC_NUMBER.finditer(text):
        if not named_documents(m.group(0), docs):
            number = _plain_number(m.group(0))
            out.append(re.sub(r"^.*?([\u4e00-\u9fff]{1,4}〔)", r"\1", number))  # "5月鲁政办字〔…": the code
    for m in _TITLE.finditer(text):
        if len(_plain_title(m.group(1))) >= MIN_TITLE_CHARS and not named_documents(m.group(0), docs):
            out.append(m.group(1))
    for word in _law_names():  # "公平竞争审查条例实施办法" without 《》: the law's own measure
        at = text.lower().find(word)
        derived = _DERIVED.match(text[at + len(word) :]) if at >= 0 else None
        if derived and not re.match(r"\s*《", text[max(0, at - 1) : at + 1]):
            out.append(text[at : at + len(word)] + derived.group(0).strip())
    return list(dict.fromkeys(out))


def unheld_asked(text: str, message: str, documents: Iterable[DocRef]) -> list[str]:
    """The unheld documents an ask is about: those it names, or, when it has no subject of its
    own ("哪天公布的"), those its message names (and no held one beside them)."""
    docs = list(documents)
    own = unheld_documents(text, docs)
    if own or not points_back(text) or named_documents(message, docs):
        return own
    return unheld_documents(message, docs)


def dated_documents(text: str, documents: Iterable[DocRef], regions: Iterable[str]) -> list[DocRef]:
    """The documents of ``regions`` that ``text`` names by their year ("上海2023年大模型措施"):
    issued that year, or carrying the year in their title ("(2023-2025年)")."""
    asked = set(regions)
    docs = [d for d in documents if d.region in asked]
    out: list[DocRef] = []
    for m in _DOC_YEAR.finditer(text):
        if _NOT_A_DOCUMENT.search(m.group(2)):
            continue
        year = int(m.group(1))
        out += [d for d in docs if (d.issued_year == year or year in _title_years(d.title)) and d not in out]
    return out


def _title_years(title: str) -> set[int]:
    """The years a title starts with ("(2023-2025年)": 2023; the end of a range names its end)."""
    return {int(y) for y in re.findall(r"(?<![-—–至到\d])(20\d{2})", title)}


def asked_documents(
    text: str, message: str, documents: Iterable[DocRef], regions: Iterable[str], earlier: str = ""
) -> list[DocRef]:
    """The documents one ask is about: those its own words name (by number, title or year), or,
    when it points back ("该措施现在是否有效", "上述政策"), those the whole message names, else
    those the message before it named."""
    docs, asked = list(documents), list(regions)

    def named_in(words: str) -> list[DocRef]:
        by_name = named_documents(words, docs)
        return by_name + [d for d in dated_documents(words, docs, asked) if d not in by_name]

    own = named_in(text)
    return own if own or not points_back(text) else (named_in(message) or named_in(earlier))


def points_back(text: str) -> bool:
    """ "……是第几号令，哪天开始施行的", "该文件里怎么说": a question with no subject of its own (short,
    or pointing back) is about the document the message names."""
    own = re.sub(r"^[^：:，。？?]{1,12}[：:]", "", text).strip(" ？?。")  # "请答复来电企业：" is no subject
    return bool(
        _REFERS_BACK.search(text) or len(own) <= _SHORT_QUESTION or _INSIDE.search(own) or _NO_SUBJECT.match(own)
    )


# "（3）目前是否仍在执行期内": a point that starts with its question has no subject of its own
_NO_SUBJECT = re.compile(r"^([（(]?[\d一二三四五六七八九十]+[)）.、]\s*)?(目前|现在|当前|今天|如今)?(是否|还|仍)")


# "里面对算力券是怎么说的", "……在不在它的适用范围里": inside the text named before
_INSIDE = re.compile(r"^(里面|其中|文件里|文中)|它的|它里面|其适用范围")


def names_a_document_year(text: str, year: int) -> bool:
    """Whether ``year`` in ``text`` is the year of a document named, not a date asked about."""
    return any(int(m.group(1)) == year and not _NOT_A_DOCUMENT.search(m.group(2)) for m in _DOC_YEAR.finditer(text))


_YEAR = re.compile(r"(20\d{2})\s*(年|年度)?")


_RELATIVE_YEAR = {
    "今年": 0,
    "本年": 0,
    "this year": 0,
    "明年": 1,
    "next year": 1,
    "去年": -1,
    "last year": -1,
    "后年": 2,
}


# A year that dates the contract ("去年12月签的", "2024年签订") is not the year the ask is about.
# "武政规〔2025〕3号": the year of a document's number, not a year asked about
_DOC_NUMBER_YEAR = re.compile(r"[〔\[［(（]\s*20\d{2}\s*[〕\]］)）]\s*\d+\s*号")
_SIGNING_YEAR = re.compile(
    r"(20\d{2}\s*年|去年|今年|前年|last year|this year)[^，。,;；？?]{0,6}(签|订)"
    r"|20\d{2}\s*年(版|的)?(新)?(政策|措施|版本|文件|办法|方案|新政)"  # "按2025年的新政策": a version, not a year
    r"|20\d{2}\s*年版",  # "2023年版规定的20%": the version's name
    re.I,
)


# "23年牵头……按当时的政策": a year written with two digits (not "做了23年", "23年来")
_SHORT_YEAR = re.compile(r"(?<![\d.第做了干有满近])([12]\d)\s*年(?!来|多|左右|以上|以内|经验|间|内|期|前|后|的经验)")


# "现在", "目前": the ask is about today, whatever year a document's title carries
_NOW = re.compile(r"现在|目前|如今|当前|眼下|今天|\b(now|currently|today)\b", re.I)


def year_asked(text: str, today: dt.date) -> int | None:
    """The year an ask is about: a year it states, not one that names a document (its title or
    number) or dates the contract; "现在" is today whatever a title says."""
    if _NOW.search(text) and not re.search(r"(20\d{2}|明|今)年(还|能|可以)", text):
        return None  # "南宁市2025年度兑付通知现在还适用吗": now, not 2025
    text = _SIGNING_YEAR.sub(" ", _DOC_NUMBER_YEAR.sub(" ", _TITLE.sub(" ", text)))  # 《title》: a document's name
    years = [y for y in (int(m.group(1)) for m in _YEAR.finditer(text)) if 2015 <= y <= today.year + 5]
    years = years or [
        y for y in (2000 + int(m.group(1)) for m in _SHORT_YEAR.finditer(text)) if 2015 <= y <= today.year
    ]
    if years:
        return years[-1]
    low = text.lower()
    for word, delta in _RELATIVE_YEAR.items():
        if word in low:
            return today.year + delta
    return None


__all__ = [
    "year_asked",
    "DocRef",
    "asked_documents",
    "dated_documents",
    "named_documents",
    "names_a_document_year",
    "unheld_documents",
]
