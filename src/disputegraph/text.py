"""Text normalisation shared by search, matching and storage.

>>> normalise_name(" 张　三 ")
'张三'
>>> normalise_name("ＡＢＣ建筑（集团）有限公司")
'abc建筑(集团)有限公司'
"""

from __future__ import annotations

import unicodedata

__all__ = ["normalise_name"]

# The few traditional characters that matter most in names and company names;
# a full converter belongs to entity resolution, not to every search.
_TRAD = str.maketrans(
    "張陳劉楊黃趙吳週鄭馮謝蔣韓曾蕭蘇葉廣東華國際發展實業貿易建築勞務工程集團責任開業電區縣鎮鄉村",
    "张陈刘杨黄赵吴周郑冯谢蒋韩曾萧苏叶广东华国际发展实业贸易建筑劳务工程集团责任开业电区县镇乡村",
)


def normalise_name(text: str) -> str:
    """Fold width (full-width → half-width), case, spaces and common traditional forms."""
    folded = "".join(unicodedata.normalize("NFKC", text).casefold().translate(_TRAD).split())
    # Removing spaces can bring a combining mark next to a letter it composes
    # with; normalise again so the result is a fixed point.
    return unicodedata.normalize("NFC", folded)
