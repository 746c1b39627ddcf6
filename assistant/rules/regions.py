"""Region codes used by programs and profiles, with their parents and Chinese names.

A profile's ``registered_in`` may be a code (``beijing-etown``) or a name (北京经济技术开发区,
亦庄); ``within_region`` conditions accept a region and everything inside it.
"""

from __future__ import annotations

PARENTS: dict[str, str] = {
    "beijing-etown": "beijing",
    "shenzhen": "guangdong",
    "hangzhou": "zhejiang",
    "chengdu": "sichuan",
    "qingyang": "gansu",
    "nanning": "guangxi",
    "zhengzhou": "henan",
    "wuhu": "anhui",
    "hefei": "anhui",
    "qingdao": "shandong",
    "jinan": "shandong",
    "langfang": "hebei",
    "zhangzhou": "fujian",
    "xiamen": "fujian",
    "wuhan": "hubei",
    "guiyang": "guizhou",
    "guian": "guizhou",
    "nanjing": "jiangsu",
    "suzhou": "jiangsu",
    "yangzhou": "jiangsu",
    "guangzhou": "guangdong",
    "zhongwei": "ningxia",
}

NAMES: dict[str, str] = {
    "beijing": "北京市",
    "beijing-etown": "北京经济技术开发区",
    "shanghai": "上海市",
    "tianjin": "天津市",
    "chongqing": "重庆市",
    "guizhou": "贵州省",
    "guiyang": "贵阳市",
    "guian": "贵安新区",
    "guangdong": "广东省",
    "shenzhen": "深圳市",
    "guangzhou": "广州市",
    "zhejiang": "浙江省",
    "hangzhou": "杭州市",
    "sichuan": "四川省",
    "chengdu": "成都市",
    "gansu": "甘肃省",
    "qingyang": "庆阳市",
    "guangxi": "广西壮族自治区",
    "nanning": "南宁市",
    "henan": "河南省",
    "zhengzhou": "郑州市",
    "anhui": "安徽省",
    "wuhu": "芜湖市",
    "hefei": "合肥市",
    "shandong": "山东省",
    "qingdao": "青岛市",
    "jinan": "济南市",
    "hebei": "河北省",
    "langfang": "廊坊市",
    "fujian": "福建省",
    "zhangzhou": "漳州市",
    "xiamen": "厦门市",
    "hubei": "湖北省",
    "wuhan": "武汉市",
    "jiangsu": "江苏省",
    "nanjing": "南京市",
    "suzhou": "苏州市",
    "yangzhou": "扬州市",
    "ningxia": "宁夏回族自治区",
    "zhongwei": "中卫市",
}

_ALIASES: dict[str, str] = {}
for _code, _name in NAMES.items():
    _ALIASES[_name] = _code
    for _suffix in ("壮族自治区", "回族自治区", "省", "市", "新区"):
        if _name.endswith(_suffix):
            _ALIASES[_name[: -len(_suffix)]] = _code
_ALIASES.update(
    {
        "亦庄": "beijing-etown",
        "北京亦庄": "beijing-etown",
        "经开区": "beijing-etown",
        "北京经开区": "beijing-etown",
        "etown": "beijing-etown",
        "e-town": "beijing-etown",
    }
)


def normalize_region(value: str) -> str:
    """Region code for a code or a Chinese name; unknown values come back lower-cased."""
    text = str(value).strip()
    if text in _ALIASES:
        return _ALIASES[text]
    return text.lower().replace("_", "-").replace(" ", "-")


def ancestors(code: str) -> list[str]:
    """The code itself and every region that contains it."""
    chain = [code]
    while chain[-1] in PARENTS:
        chain.append(PARENTS[chain[-1]])
    return chain


def within(code: str, region: str) -> bool:
    return region in ancestors(normalize_region(code))
