"""Chinese numerals as reports print them: 1 -> 一, 10 -> 十, 12 -> 十二, 35 -> 三十五 (chapters,
items, months and days). Shared by the readers (Word's chineseCounting lists) and the
generator."""
from __future__ import annotations

CN = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 35 -> 三十五; 100 and over in Arabic digits."""
    if n < 10:
        return CN[n]
    tens, ones = divmod(n, 10)
    if n < 100:
        return ("" if tens == 1 else CN[tens]) + "十" + (CN[ones] if ones else "")
    return str(n)
