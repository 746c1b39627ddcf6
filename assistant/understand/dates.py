"""Dates and contract terms in a message (percentages: percents.py).

Relative dates (今年3月, 去年7月, 明年, 上半年) are read by JioNLP's ``parse_time`` against today.
What it gets wrong or raises on is read here: 去年底 is a point, the last day of last year (JioNLP
gives November and December); 上个月 and a month without a year (5月签的: the most recent May not
after today) raise; durations (一年期, 两年的合同) raise, so terms are our own patterns; English
dates and dates that do not exist (2023-02-30: reported by ``invalid_dates``, never dropped
silently). A month is never a term: 5月 is a date, 5个月 a term.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import threading
import time
from functools import lru_cache

from assistant.lexicon.gazetteer import jionlp
from assistant.understand.mentions import DateMention, Precision, TermMention

_CNUM = "零〇一二两三四五六七八九十"
_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_REL_YEAR = {"前年": -2, "去年": -1, "今年": 0, "本年": 0, "明年": 1, "后年": 2}
_MON = r"\d{1,2}|十[一二]?|[一二三四五六七八九]"
_MONTHS_EN = "january february march april may june july august september october november december".split()
_EN_MON = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_FULL = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*[年\-/.]\s*(?P<m>\d{1,2})\s*[月\-/.]\s*(?P<d>\d{1,2})(?!\d)(?!\s*月)(?:\s*[日号])?"
)
# "2025年1—6月", "8-12月份", "1月至6月": months of one year, from the first to the last
_MONTH_SPAN = re.compile(
    rf"(?:(?P<y>(?:19|20)\d{{2}}\s*年|前年|去年|今年|本年|明年|后年)\s*|(?<![\d年月个每几]))(?P<a>{_MON})\s*月?份?"
    rf"\s*(?:—|–|-|~|～|至|到)\s*(?P<b>{_MON})\s*月份?(?!\s*[\d日号])"
)
_MONTH_DAY = re.compile(
    rf"(?<![\d年月个])(?P<m>{_MON})\s*月\s*(?P<d>\d{{1,2}}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])\s*[日号]"
)
_YEAR_MONTH = re.compile(
    rf"(?P<y>(?:19|20)\d{{2}}\s*年|前年|去年|今年|本年|明年|后年)\s*(?P<m>{_MON})\s*月份?(?P<pos>底|末|初)?(?![\d日号])"
)
_MONTH = re.compile(rf"(?<![\d年个每几])(?P<m>{_MON})\s*月份?(?P<pos>底|末|初)?(?![\d日号])")
_REL_MONTH = re.compile(r"(?P<w>上个?月|这个?月|本月|当月|下个?月)")
_YEAR_END = re.compile(
    r"(?P<y>(?:19|20)\d{2}|前年|去年|今年|明年)\s*年?(?P<w>年底|年末|年初|开年|开春|底|末|初)|(?P<w2>年底|年末|年初|开年|开春)"
)
_HALF = re.compile(r"(?P<y>(?:19|20)\d{2}\s*年|前年|去年|今年|明年)?\s*(?<![每个])(?P<h>上半年|下半年)")
_YEAR = re.compile(
    r"(?<![\d.,])(?P<y>(?:19|20)\d{2})\s*(?:年度|年)(?!\s*期)|(?<![\d.,])(?P<yy>[12]\d)年(?=签|底|初|末|开始|起|到|至|时|前|后|，|,|\s)"
    r"|(?P<rel>前年|去年|今年|本年|明年|后年)(?!\s*[\d一二三四五六七八九十]+\s*月)"
)
# "from 1 March to 31 December 2025", "March 1 to December 31, 2025": a day whose year follows later
_EN_DAY_NO_YEAR = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+{_EN_MON}(?!\w)|{_EN_MON.replace('<mon>', '<mon2>')}\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b)"
    r"(?!,?\s*(?:19|20)\d{2})",
    re.I,
)
_EN_YEAR = re.compile(
    r"\b(?:in|by|since|from|until|till|before|after|during|for|of|year)\s+(?P<y>(?:19|20)\d{2})\b(?![.,]\d)", re.I
)
_EN_MONTH_YEAR = re.compile(rf"\b{_EN_MON}\s+(?P<y>(?:19|20)\d{{2}})\b", re.I)
_EN_DAY = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+{_EN_MON},?|(?P<mon2>[a-z]{{3,9}})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,)\s+(?P<y>(?:19|20)\d{{2}})\b",
    re.I,
)


def _small(text: str) -> int:
    """1-99 in Arabic or Chinese numerals (十二, 二十五, 两): 0 when not a number."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CNUM for c in text):
        return 0
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_DIGIT.get(tens, 0) if tens else 1) * 10 + (_DIGIT.get(units, 0) if units else 0)
    return _DIGIT.get(text, 0) if len(text) == 1 else 0


def _month_last(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _recent(month: int, today: dt.date, day: int = 1) -> int:
    """The year of the most recent such month (and day) not after today."""
    return today.year if (month, day) <= (today.month, today.day if day > 1 else 31) else today.year - 1


_JIO_LOCK = threading.Lock()


@lru_cache(maxsize=1024)
def _jio_span(words: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """JioNLP's reading of a relative date (今年3月, 去年7月, 明年, 上半年) as (first, last) day."""
    base = time.mktime((today.year, today.month, today.day, 12, 0, 0, 0, 0, -1))
    try:
        # JioNLP builds its time parser on first use and keeps per-call settings on it: two
        # requests at once failed with "'TimeParser' object has no attribute ..." (found under load)
        with _JIO_LOCK:
            res = jionlp().parse_time(words, time_base=base)
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None
    if res.get("type") not in ("time_span", "time_point") or not isinstance(res.get("time"), list):
        return None
    first, last = (dt.date.fromisoformat(str(t)[:10]) for t in res["time"][:2])
    return first, last


def _candidates(text: str, today: dt.date) -> list[tuple[int, int, dt.date, dt.date, Precision]]:
    out: list[tuple[int, int, dt.date, dt.date, Precision]] = []

    def add(m: re.Match[str], first: dt.date, last: dt.date, precision: Precision) -> None:
        out.append((m.start(), m.end(), first, last, precision))

    for m in _FULL.finditer(text):
        try:
            day = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            continue
        add(m, day, day, "day")
    for m in _MONTH_DAY.finditer(text):
        month, d = _small(m["m"]), _small(m["d"])
        try:
            day = dt.date(_year_before(text, m.start(), today, month) or _recent(month, today, d), month, d)
        except ValueError:
            continue
        add(m, day, day, "day")
    for m in _YEAR_MONTH.finditer(text):
        month, words = _small(m["m"]), m["y"].replace(" ", "")
        if not 1 <= month <= 12:
            continue
        if words[0].isdigit():
            year = int(words[:4])
        else:
            span = _jio_span(f"{words}{month}月", today)
            if span is None:
                continue
            year = span[0].year
        _month_point(m, year, month, add)
    for m in _MONTH_SPAN.finditer(text):
        a, b = _small(m["a"]), _small(m["b"])
        if 1 <= a < b <= 12:
            words = (m["y"] or "").replace(" ", "")
            named = int(words[:4]) if words[:1].isdigit() else today.year + _REL_YEAR[words] if words else None
            year = named or _year_before(text, m.start(), today, a) or _recent(b, today)
            add(m, dt.date(year, a, 1), _month_last(year, b), "span")
    for m in _MONTH.finditer(text):
        month = _small(m["m"])
        if 1 <= month <= 12:
            _month_point(m, _year_before(text, m.start(), today, month) or _recent(month, today), month, add)
    for m in _REL_MONTH.finditer(text):
        first = today.replace(day=1)
        if m["w"][0] == "上":
            first = (first - dt.timedelta(days=1)).replace(day=1)
        elif m["w"][0] == "下":
            first = (first + dt.timedelta(days=31)).replace(day=1)
        add(m, first, _month_last(first.year, first.month), "month")
    for m in _YEAR_END.finditer(text):
        y, w = m["y"] or "今年", (m["w"] or m["w2"]).lstrip("年")
        year = int(y) if y.isdigit() else today.year + _REL_YEAR[y]
        if w in ("底", "末"):
            add(m, dt.date(year, 12, 31), dt.date(year, 12, 31), "month")
        elif w == "开春":
            add(m, dt.date(year, 2, 1), dt.date(year, 3, 31), "vague")
        else:
            add(m, dt.date(year, 1, 1), _month_last(year, 2), "vague")
    for m in _HALF.finditer(text):
        y = (m["y"] or "今年").replace(" ", "")
        span = _jio_span(y + m["h"], today)
        if span is not None:
            add(m, span[0], span[1], "vague")
    for m in _YEAR.finditer(text):
        if m["rel"]:
            span = _jio_span(m["rel"], today)
            year = span[0].year if span else today.year + _REL_YEAR[m["rel"]]
        else:
            year = int(m["y"]) if m["y"] else 2000 + int(m["yy"])
        add(m, dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
    for m in _EN_DAY.finditer(text):
        mon = _en_month(m["mon"] or m["mon2"] or "")
        try:
            en_day = dt.date(int(m["y"]), mon, int(m["d1"] or m["d2"]))
        except ValueError:
            continue
        add(m, en_day, en_day, "day")
    for m in _EN_DAY_NO_YEAR.finditer(text):
        mon = _en_month(m["mon"] or m["mon2"] or "")
        if (m["mon"] or m["mon2"] or "") == "may":
            continue  # "we may 3 times": the verb, not the month
        later = re.search(r"(?<!\d)(?:19|20)\d{2}(?!\d)", text[m.end() : m.end() + 40])
        if not mon:
            continue
        try:
            en_day = dt.date(int(later.group(0)) if later else _recent(mon, today), mon, int(m["d1"] or m["d2"]))
        except ValueError:
            continue
        add(m, en_day, en_day, "day")
    for m in _EN_MONTH_YEAR.finditer(text):
        mon = _en_month(m["mon"])
        if mon:
            add(m, dt.date(int(m["y"]), mon, 1), _month_last(int(m["y"]), mon), "month")
    for m in _EN_YEAR.finditer(text):
        year = int(m["y"])
        out.append((m.start("y"), m.end("y"), dt.date(year, 1, 1), dt.date(year, 12, 31), "year"))
    return out


def _year_before(text: str, pos: int, today: dt.date, month: int) -> int | None:
    """The year named just before ``pos`` ("2025年我们领了150万，11月又签了一份", "今年已经拿了420万，
    12月又采购了"): a bare month or day is in it. After a month of that year ("2025年1—6月付了……，
    8—12月又付了", "2025年12月签的，3月开始付") the story runs forward: an earlier month is next year's."""
    named = re.findall(
        rf"((?:19|20)\d{{2}})\s*年\s*(?:(?P<m>{_MON})\s*月?)?|(今年|去年|前年|明年)", text[max(0, pos - 40) : pos]
    )
    if not named:
        return None
    year, named_month, rel = named[-1]
    if not year:
        return today.year + _REL_YEAR[rel]
    return int(year) + (1 if named_month and month < _small(named_month) else 0)


def _month_point(m: re.Match[str], year: int, month: int, add: object) -> None:
    first, last = dt.date(year, month, 1), _month_last(year, month)
    if m["pos"] in ("底", "末"):
        first = last
    elif m["pos"] == "初":
        last = first
    add(m, first, last, "month")  # type: ignore[operator]


def _en_month(word: str) -> int:
    word = word.lower()[:3]
    return next((i for i, name in enumerate(_MONTHS_EN, 1) if name.startswith(word)), 0) if len(word) == 3 else 0


_INVALID = re.compile(
    r"(?<!\d)(?:19|20)\d{2}\s*[年\-/.]\s*(?P<m>\d{1,2})\s*[月\-/.]?\s*(?P<d>\d{1,2})?(?!\d)(?:\s*[日号])?"
)


def _is_invalid(m: re.Match[str]) -> bool:
    year = int(m.group(0)[:4])
    try:
        dt.date(year, int(m["m"]), int(m["d"] or 1))
    except ValueError:
        return True
    return False


def find_dates(text: str, today: dt.date) -> list[DateMention]:
    """Every date in ``text`` (normalised), in order: its first and last day and how precise it is.
    A range (去年7月到今年6月) is two mentions, one per end."""
    chosen: list[tuple[int, int, dt.date, dt.date, Precision]] = []
    blocked = [(m.start(), m.end()) for m in _INVALID.finditer(text) if _is_invalid(m)]
    for c in sorted(_candidates(text, today), key=lambda c: (-(c[1] - c[0]), c[0])):
        if any(c[0] < e and c[1] > s for s, e in blocked):
            continue  # part of a date that does not exist (2025年2月30日): reported, not read

        if all(c[1] <= s or c[0] >= e for s, e, *_ in chosen):
            chosen.append(c)
    return [
        DateMention(start=s, end=e, text=text[s:e], value=first, last=last, precision=p)
        for s, e, first, last, p in sorted(chosen)
    ]


def invalid_dates(text: str, today: dt.date | None = None) -> list[str]:
    """Dates that do not exist (2023-02-30, 2月30号, 2025年13月1日) as YYYY-MM-DD; a month that
    does not exist without a day (2024年13月) as YYYY-MM."""
    today = today or dt.date.today()
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    for m in _FULL.finditer(text):
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        spans.append((m.start(), m.end()))
        try:
            dt.date(y, mo, d)
        except ValueError:
            out.append(f"{y:04d}-{mo:02d}-{d:02d}")
    for m in _MONTH_DAY.finditer(text):
        if any(s <= m.start() < e for s, e in spans):
            continue
        mo, d = _small(m["m"]), _small(m["d"])
        try:
            dt.date(today.year, mo, d)
        except ValueError:
            year = _recent(mo, today) if 1 <= mo <= 12 else today.year
            if not (mo == 2 and d == 29 and calendar.isleap(year)):
                out.append(f"{year:04d}-{mo:02d}-{d:02d}")
    for m in re.finditer(r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月(?!\s*\d)", text):
        if int(m["m"]) > 12 or int(m["m"]) == 0:
            out.append(f"{m['y']}-{int(m['m']):02d}")
    # "2205年签的合同": a year no voucher text or contract can have (a slip of the keys)
    for m in re.finditer(r"(?<![\d〔\[（(])(?P<y>\d{4})\s*年(?!度?[^，。？?]{0,3}(以前|之前|前))", text):
        if not _PLAUSIBLE_YEARS[0] <= int(m["y"]) <= today.year + _PLAUSIBLE_YEARS[1]:
            out.append(f"{m['y']}年")
    return out


# Years a contract or voucher text can carry: from 2000 to ten years ahead of today ("2035年远景目标").
_PLAUSIBLE_YEARS = (2000, 10)


# ---------------------------------------------------------------- terms

_N = r"(?P<n>\d+|[一二两三四五六七八九十]+)"
_NOT_YEAR = r"(?<![今去明前后本每上下\d])"
# (pattern, unit): "year" n*12, "year_half" n*12+6, "month" n, "half" 6, "whole_year" 12 ("一年下来",
# "for the full year": a yearly framing of a monthly figure), "en" by the unit word.
_TERMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"{_NOT_YEAR}{_N}\s*年半"), "year_half"),
    (re.compile(rf"{_NOT_YEAR}{_N}\s*年\s*期"), "year"),
    (re.compile(rf"{_NOT_YEAR}{_N}\s*年\s*的?\s*(?:合同|租期|服务期|租约|协议|服务|租赁)"), "year"),
    (re.compile(rf"(?:为期|期限|合同期|服务期|租期|租用期|有效期|周期|签了)\s*(?:是|为)?\s*{_N}\s*年(?![前后多])"), "year"),
    (re.compile(rf"(?:合同|签的|签了|租了|租期|(?<![出转])租|用了|签)\s*(?:是|为)?\s*{_N}\s*年(?![前后多内底初中])"), "year"),
    (re.compile(r"一年下来|一整年|整整一年|(?:按|以)(?:全年|一年|一整年)(?:算|计|计算|来算)?|全年下来|(?:for|over) (?:a|one|the) (?:full|whole|entire) year|full[- ]year|(?:for|over) (?:the )?(?:full |whole )?year\b"), "whole_year"),
    (re.compile(r"\b(?:for|over) (?P<n>\d+|twelve|six|eighteen|twenty-four) (?P<u>month|year)s?\b", re.I), "en"),
    (re.compile(rf"(?<![每\d]){_N}\s*个\s*月(?!\s*(?:内|后|前|以内|之内|以后|\d|[一二两三四五六七八九十百千]+万))"), "month"),
    (re.compile(r"(?<![上下])半年(?!\s*(?:内|后|前|以内|之内|度))"), "half"),
    (re.compile(r"\b(?P<n>\d+|one|two|three|four|five|six|twelve|eighteen|twenty-four)[\s-]+(?P<u>year|month)s?\b(?=[\s-]+(?:[a-z]+[\s-]+)?(?:contract|term|lease|deal|agreement|rental|subscription))", re.I), "en"),
    (re.compile(r"\b(?:term|contract|lease)\s+(?:is|of)\s+(?P<n>\d+|one|two|three|four|five|six|twelve|eighteen)\s+(?P<u>year|month)s?\b", re.I), "en"),
]  # fmt: skip
_EN_NUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "twelve": 12, "eighteen": 18}
_EN_NUM["twenty-four"] = 24


def _term_months(m: re.Match[str], unit: str) -> int:
    if unit == "half":
        return 6
    if unit == "whole_year":
        return 12
    raw = m["n"]
    n = _EN_NUM.get(raw.lower(), 0) or _small(raw)
    if unit == "en":
        unit = m["u"].lower()
    if unit == "year" and n > 20:
        return 0  # 2025年的合同 is a date, not a term
    return {"year": n * 12, "year_half": n * 12 + 6, "month": n}[unit]


def find_terms(text: str) -> list[TermMention]:
    """Contract or service terms in months, in order: 一年期 12, 两年的合同 24, 18个月 18, 半年 6,
    one-year 12. 5月 (a month), 一年大概两百来万 (a yearly figure) and 一个月10万 (a rate) are not terms."""
    found: list[tuple[int, int, int]] = []
    for rx, unit in _TERMS:
        for m in rx.finditer(text):
            if any(m.start() < e and m.end() > s for s, e, _ in found):
                continue
            if re.search(r"(成立|注册|落户|营业)[^，。,;；]{0,2}$", text[max(0, m.start() - 4) : m.start()]):
                continue  # 成立三个月: the firm's age, not a term
            if re.search(
                r"(有效期|使用期|期限)(为|是|只有|仅|就)?\s*$", text[max(0, m.start() - 6) : m.start()]
            ) and re.search(r"券", text[max(0, m.start() - 30) : m.start()]):
                continue  # "算力券……有效期一年": how long the voucher lasts, not a contract's term
            months = _term_months(m, unit)
            if 0 < months <= 240:
                found.append((m.start(), m.end(), months))
    return [TermMention(start=s, end=e, text=text[s:e], months=n) for s, e, n in sorted(found)]


__all__ = ["find_dates", "find_terms", "invalid_dates"]
