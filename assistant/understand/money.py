"""Amounts of money in a message, as Decimal yuan with their range, currency and period.

JioNLP's ``parse_money`` reads one Chinese amount (三百二十万, 1,200,000元, 十二万五千) but not a
sentence, and it is wrong on some forms users write: 1.5个亿 -> 6亿, 0.8个亿 -> 8亿, 两亿五 ->
200000005, 十二万五 -> 120005, 30个w -> 3, 六七十万 -> [6万, 70万], 1亿2千万 -> 2.2亿; it raises on
一点五亿, 2个半亿, 两百来万, $1 million. So the spans are found here, each span is rewritten into a
form JioNLP reads right before it is asked (个亿 -> 亿, w -> 万, 两亿五 -> 两亿五千万), and the
colloquial forms JioNLP does not know are read with our own small table: 两百来万 (about 200万),
八十多万 (80万 to 90万), 小一百万 (just under 100万), 大几十万 (vague: 60万 to 90万, marked to
confirm so the caller asks), 六七十万 (a range), 3kw (3千万, to confirm), RMB 2m, $1 million (USD:
kept, never used as yuan).
Numbers that are not money (第一条, 18个月, 500张卡, 20%, 2024年, phone numbers) have no currency or
scale and are skipped; negative and absurd amounts (over 1万亿) are not amounts.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal

from assistant.lexicon.gazetteer import jionlp
from assistant.understand.case import Money
from assistant.understand.mentions import MoneyMention

Per = Literal["total", "month", "quarter", "year"]
_CENT = Decimal("0.01")
_MAX = Decimal("1e12")
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
_AR = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUM = rf"(?:{_AR}|[{_CN}]+(?:点[{_CN}]+)?)"
_SCALE = (
    r"个亿|个万|个w|个W|千万|百万|千[wW]|百[wW]|万亿|亿|万|千|百|kw|KW|Kw|w|W|k|K|million|mn|m|M|billion|bn|thousand"
)
_PRE = r"US\$|HK\$|\$|¥|€|£|RMB|CNY|USD|HKD|EUR|GBP|rmb|cny|usd"
_CUR = r"元人民币|元|块钱|块|人民币|美元|美金|港元|港币|欧元|英镑|日元|rmb|RMB|yuan|CNY|USD|US dollars?|dollars?"
_AMOUNT = re.compile(
    rf"(?P<pre>{_PRE})?\s*(?P<num>{_NUM})\s*(?P<scale>{_SCALE})?(?![A-Za-z])\s*(?P<cur>{_CUR})?(?![A-Za-z])",
)
_UNIT = r"(?P<u>亿|万|w|W)"
# Scientific forms engineers type: 1.5e7元, 10^13元, 1×10^13元, 10**13元.
_EXPONENT = re.compile(
    rf"(?<![\d.])(?:(?P<m>\d+(?:\.\d+)?)\s*[eE]\s*(?P<e>[+-]?\d{{1,4}})"
    rf"|(?:(?P<m2>\d+(?:\.\d+)?)\s*[x×*]\s*)?10\s*(?:\^|\*\*)\s*(?P<p>[+-]?\d{{1,4}}))"
    rf"\s*(?P<scale>万|亿)?\s*(?P<cur>{_CUR})"
)
# Colloquial forms, tried before the plain form; each names its reading.
_COLLOQUIAL: list[tuple[str, re.Pattern[str]]] = [
    ("range", re.compile(rf"(?P<a>{_AR})\s*(?:-|~|～|—|到|至)\s*(?P<b>{_AR})\s*{_UNIT}")),
    (
        "pair",
        re.compile(
            r"(?P<head>[一二两三四五六七八九][千百])?(?P<a>[一二两三四五六七八九])(?P<b>[一二两三四五六七八九])(?P<mag>十|百|千)(?P<u>亿|万)"
        ),
    ),
    ("vague", re.compile(rf"(?P<size>大|小)?(?P<ten>[一二两三四五六七八九]?十)?几(?P<mag>十|百|千)?{_UNIT}")),
    ("half", re.compile(rf"(?P<n>\d+|[一二两三四五六七八九十]+)个半{_UNIT}")),
    ("under", re.compile(rf"小(?P<n>[一二两三四五六七八九十百千]+|\d+)(?P<mag>十|百|千)?{_UNIT}")),
    ("about", re.compile(rf"(?P<n>{_AR}|[{_CN}]+?)来{_UNIT}")),
    ("over", re.compile(rf"(?P<n>{_AR}|[{_CN}]+?)多{_UNIT}")),
    ("just_over", re.compile(rf"(?P<n>{_AR}|[{_CN}]+?)(?P<u>亿|万)?出头(?P<u2>万)?")),
]
_APPROX_BEFORE = re.compile(r"(约|大约|大概|大致|差不多|将近|接近|近|估计|预计)\s*$")
_APPROX_AFTER = re.compile(r"^\s*(左右|上下|以上|多一点|出头)")
_NOT_AFTER = re.compile(
    r"^\s*(个(?![亿万wW])|张|台|人|家|份|条|项|次|天|件|名|位|户|篇|颗|枚|[Pp](?![a-z])|%|卡|G\b|年(?!薪))"
)


def _time_next(text: str, end: int) -> bool:
    """ "已经拿了1800万 年底又……": a figure with its unit, then the next phrase's time word."""
    return not text[end - 1].isdigit() and bool(re.match(r"\s*年(底|初|中|内|末)|\s+年", text[end:]))


_PER_BEFORE = [
    ("month", re.compile(r"(每个?月|(?<!\d)一个月|月均|(?<![个\d])月租|按月|每月的)[^，。,;；\d期签]{0,6}$")),
    ("quarter", re.compile(r"(每个?季度|一个季度|按季度?)[^，。,;；\d期签]{0,6}$")),
    ("year", re.compile(r"(每年|一年|年均|按年|每年度)[^，。,;；\d期签合同]{0,6}$")),
]
_PER_AFTER = [
    ("month", re.compile(r"^\s*(/月|每月|每个月|一个月|/month|per month|a month)")),
    ("year", re.compile(r"^\s*(/年|每年|一年(?!期|的?合同)|/year|per year|a year)")),
]
_FOREIGN = [
    ("USD", re.compile(r"US\$|\$|USD|usd|美元|美金|dollar")),
    ("HKD", re.compile(r"HK\$|HKD|港元|港币")),
    ("EUR", re.compile(r"€|EUR|欧元")),
    ("GBP", re.compile(r"£|GBP|英镑")),
    ("JPY", re.compile(r"日元")),
]
_MULT = {
    "千万": Decimal(10**7), "百万": Decimal(10**6), "万亿": Decimal(10**12), "亿": Decimal(10**8),
    "万": Decimal(10**4), "w": Decimal(10**4), "千": Decimal(1000), "百": Decimal(100),
    "kw": Decimal(10**7), "千w": Decimal(10**7), "百w": Decimal(10**6), "k": Decimal(1000), "thousand": Decimal(1000), "m": Decimal(10**6),
    "mn": Decimal(10**6), "million": Decimal(10**6), "billion": Decimal(10**9), "bn": Decimal(10**9),
}  # fmt: skip
_MAG = {"十": 10, "百": 100, "千": 1000}


@lru_cache(maxsize=2048)
def _jio_money(expr: str) -> Decimal | None:
    """JioNLP's reading of one Chinese amount (already rewritten into a form it reads right)."""
    try:
        res = jionlp().parse_money(expr + "元")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    num = res.get("num")
    return Decimal(num) if isinstance(num, str) else None


def _fix_for_jionlp(expr: str) -> str:
    """Rewrite the forms JioNLP misreads: 个亿 -> 亿, 两亿五 -> 两亿五千万, 十二万五 -> 十二万五千."""
    expr = re.sub(r"个(?=[亿万])", "", expr)
    expr = re.sub(r"亿([一二两三四五六七八九])$", r"亿\g<1>千万", expr)
    return re.sub(r"万([一二两三四五六七八九])$", r"万\g<1>千", expr)


def _number(text: str) -> Decimal | None:
    """A number with optional Chinese scales: 300, 1,200,000, 4.5万, 三百二十万, 一点五亿, 1亿2千万."""
    text = text.replace(",", "")
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return Decimal(text)
    if m := re.fullmatch(r"([一二两三四五六七八九十]+)点([零〇一二两三四五六七八九]+)(亿|万)?", text):
        whole = _number(m.group(1))
        frac = "".join(str(_DIGITS[c]) for c in m.group(2))
        return None if whole is None else Decimal(f"{int(whole)}.{frac}") * _MULT.get(m.group(3) or "", Decimal(1))
    if re.fullmatch(r"(\d+(\.\d+)?[亿万千百]){2,}\d*", text):  # 1亿2千万: JioNLP reads 2.2亿
        total, section = Decimal(0), Decimal(0)
        for num, unit in re.findall(r"(\d+(?:\.\d+)?)([亿万千百]?)", text):
            value = Decimal(num) * (_MULT.get(unit, Decimal(1)) if unit in "千百" and unit else Decimal(1))
            if unit in ("亿", "万"):
                total += (section + Decimal(num)) * _MULT[unit]
                section = Decimal(0)
            else:
                section += value
        return total + section
    return _jio_money(_fix_for_jionlp(text))


def parse_number(text: str) -> Decimal | None:
    """A numeral as written (arabic, Chinese, mixed) to a Decimal; None when it is not one.

    The public face of the reader ``find_money`` uses, so that the guardrails read a number in an
    answer exactly as understanding read it in the question.
    """
    try:
        return _number(text.strip())
    except (ArithmeticError, ValueError, KeyError):
        return None


def _small(text: str) -> int:
    return int(_number(text) or 0)


def _unit(u: str | None) -> Decimal:
    return _MULT.get((u or "").lower().replace("个", ""), Decimal(1))


def _colloquial(kind: str, m: re.Match[str], text: str) -> tuple[Decimal, Decimal | None, bool] | None:
    """(value, high, approx) of a colloquial form, or None when the words are not an amount."""
    g = m.groupdict()
    unit = _unit(g.get("u"))
    if kind == "range":
        return Decimal(g["a"]) * unit, Decimal(g["b"]) * unit, False
    if kind == "pair":  # 二三十万: 20万-30万; 一百二三十万: 120万-130万
        mag = _MAG[g["mag"]] * unit
        head = _DIGITS[g["head"][0]] * _MAG[g["head"][1]] * unit if g["head"] else Decimal(0)
        if g["head"] and _MAG[g["head"][1]] <= _MAG[g["mag"]]:
            return None
        return head + _DIGITS[g["a"]] * mag, head + _DIGITS[g["b"]] * mag, True
    if kind == "vague":  # 几十万: 20万-90万; 大几十万: 60万-90万; 小几十万: 10万-40万; 十几万: 11万-19万
        if g["ten"]:
            base = _small(g["ten"]) * unit
            return base + unit, base + 9 * unit, True
        mag = _MAG.get(g["mag"] or "", 1) * unit
        low, high = {"大": (6, 9), "小": (1, 4)}.get(g["size"] or "", (2, 9))
        return low * mag, high * mag, True
    if kind == "half":
        n = _number(g["n"])
        return None if n is None else ((n + Decimal("0.5")) * unit, None, False)
    if kind == "under":
        n = _number(g["n"] + (g["mag"] or ""))
        return None if n is None else (n * unit, None, True)
    n = _number(g["n"])
    if n is None or n <= 0:
        return None
    if kind == "about":
        return n * unit, None, True
    if kind == "over":  # 八十多万: 80万-90万; 100多万: 100万-200万
        step = Decimal(10) ** max(len(str(int(n))) - len(str(int(n)).rstrip("0")), 0) if n == int(n) else Decimal(1)
        return n * unit, (n + step) * unit, True
    # just_over: 一百万出头; 一百出头 only where the message counts in 万
    if not (g.get("u") or g.get("u2")) and "万" not in text:
        return None
    unit = _unit(g.get("u") or g.get("u2") or "万")
    return n * unit, n * unit * Decimal("1.1"), True


def _plain(m: re.Match[str], text: str) -> tuple[Decimal, bool] | None:
    """(value, confirm) of a plain amount, or None when the number is not money."""
    pre, num, scale, cur = m.group("pre"), m.group("num"), m.group("scale") or "", m.group("cur")
    is_cn = not num[0].isdigit()
    low = scale.lower().replace("个", "")
    if not (pre or cur or scale or (is_cn and re.search(r"[万亿]", num))):
        return None
    if is_cn and not re.search(r"[十百千万亿拾佰仟]", num + scale):
        return None  # 一元 is money, but 一 alone with a Latin scale is not
    if low in ("m", "k", "mn") and not (pre or cur):
        return None  # 2m, 500k: money only with a currency
    if low in ("百", "千") and not (cur or pre) and not num.isdigit():
        return None
    if low in ("million", "billion", "thousand", "bn") and is_cn:
        return None
    head = text[max(0, m.start() - 3) : m.start()]
    if re.search(r"[\d.]\s*(e|E|\^|\*\*)?\s*$", head) and not pre:
        return None  # 1e30元, 10^13元: part of a number we do not read
    if low in ("w", "kw", "百w", "千w", "k", "m", "mn", "million", "billion", "bn", "thousand"):
        base = _number(num) if is_cn else Decimal(num.replace(",", ""))
        return None if base is None else (base * _MULT[low], low == "kw")
    value = _number(num + scale.replace("个", ""))
    return None if value is None else (value, False)


def _per(text: str, start: int, end: int) -> Per:
    before, after = text[max(0, start - 12) : start], text[end : end + 10]
    for per, rx in _PER_BEFORE:
        if rx.search(before):
            return per  # type: ignore[return-value]
    for per, rx in _PER_AFTER:
        if rx.search(after):
            return per  # type: ignore[return-value]
    return "total"


def _currency(text: str, start: int, end: int) -> str:
    """The currency named in the amount's own words or just before it ($, US$, USD )."""
    words = text[max(0, start - 4) : end]
    return next((code for code, rx in _FOREIGN if rx.search(words)), "CNY")


def _exponent(m: re.Match[str]) -> Decimal | None:
    mantissa = Decimal(m.group("m") or m.group("m2") or "1")
    power = int(m.group("e") or m.group("p"))
    try:
        return mantissa * Decimal(10) ** power * _MULT.get(m.group("scale") or "", Decimal(1))
    except (InvalidOperation, ArithmeticError):
        return None


def find_money(text: str) -> list[MoneyMention]:
    """Every amount of money in ``text`` (normalised), in order, with its span."""
    return scan_money(text)[0]


# A zero said as the contract or fee ("合同额0元"), not a zero already received.
_CONTRACT_ZERO = re.compile(r"(合同|金额|费用|租金|结算|签了|contract|fee)[^，。？?\d]{0,4}$", re.I)


def scan_money(text: str) -> tuple[list[MoneyMention], list[str]]:
    """(amounts, amounts written that no calculation can take): the second list holds the words
    of amounts past 1万亿元 or below one fen (1e30元, 10^13元, 1e-30元), negative amounts (as
    负500万) and a contract of 0元, so the answer can say why it asks for the figure instead of
    silently ignoring it."""
    if not text:
        return [], []
    found: list[tuple[int, int, Decimal, Decimal | None, bool, bool]] = []
    taken: list[tuple[int, int]] = []
    unusable: list[str] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in _EXPONENT.finditer(text):
        value = _exponent(m)
        taken.append((m.start(), m.end()))
        if value is not None and value == value.to_integral_value() and 0 < value <= _MAX:
            found.append((m.start(), m.end(), value, None, False, False))
        else:
            unusable.append(m.group(0))

    for kind, rx in _COLLOQUIAL:
        for m in rx.finditer(text):
            if not free(m.start(), m.end()):
                continue
            reading = _colloquial(kind, m, text)
            if reading is not None:
                end = m.end()
                cur = re.match(rf"\s*({_CUR})", text[end:])
                end += cur.end() if cur else 0
                # 大几十万: too vague to compute on; confirm=True makes the caller ask for the figure
                found.append((m.start(), end, reading[0], reading[1], reading[2], kind == "vague"))
                taken.append((m.start(), end))
    for m in _AMOUNT.finditer(text):
        start, end = (m.start() if m.group("pre") else m.start("num")), m.end()
        while end > start and text[end - 1].isspace():
            end -= 1
        if not m.group("num") or not free(start, end) or (_NOT_AFTER.match(text[end:]) and not _time_next(text, end)):
            continue
        num = m.group("num")
        if (
            num[0] not in "0123456789"
            and re.search(r"[万亿][一二两三四五六七八九]$", num)
            and re.match(r"[年个月天次]", text[end : end + 1])
        ):
            continue  # 两千万一年: the run took the next quantity's numeral; read again without it
        plain = _plain(m, text)
        if plain is None:
            continue
        found.append((start, end, plain[0], None, False, plain[1]))
        taken.append((start, end))
    # "两千万一年": a Chinese run that swallowed the numeral of the next quantity.
    for m in re.finditer(rf"[{_CN}]+?[万亿](?=[一二两三四五六七八九][年个月天次])", text):
        if free(m.start(), m.end()) and (value := _number(m.group(0))) is not None:
            found.append((m.start(), m.end(), value, None, False, False))
            taken.append((m.start(), m.end()))
    out: list[MoneyMention] = []
    for start, end, value, high, approx, confirm in sorted(found):
        sign = re.search(r"(?<![0-9A-Za-z.])([-−－]|负)\s*(¥|\$|RMB|CNY)?\s*$", text[max(0, start - 5) : start])
        if sign:  # -500万: a negative amount is not an amount; said so, and asked for
            unusable.append("负" + text[start:end])  # the sign in words: never shown as a figure
            continue
        try:
            value, high = value.quantize(_CENT), (high.quantize(_CENT) if high is not None else None)
        except InvalidOperation:
            unusable.append(text[start:end])
            continue
        if value > _MAX or (high is not None and high > _MAX):
            unusable.append(text[start:end])
            continue
        if value == 0 and high is None and _CONTRACT_ZERO.search(text[max(0, start - 8) : start]):
            unusable.append(text[start:end])  # "合同额0元": asked for, not computed
            continue
        if value <= 0 or (high is not None and high <= value):
            continue
        approx = approx or bool(_APPROX_BEFORE.search(text[max(0, start - 4) : start]))
        approx = approx or bool(_APPROX_AFTER.match(text[end:]))
        money = Money(
            value=value,
            high=high,
            text=text[start:end],
            approx=approx,
            currency=_currency(text, start, end),
            per=_per(text, start, end),
            confirm=confirm,
        )
        out.append(MoneyMention(start=start, end=end, text=text[start:end], money=money))
    return out, unusable


__all__ = ["find_money", "parse_number", "scan_money"]
