"""Prevention measures (预防措施) as separate items: the archive's free text split up."""

from __future__ import annotations

import re

MAX_MEASURE = 2_000


def measures_of(text: str) -> list[str]:
    """The separate measures of a prevention text: one per line or per "；", numbering
    such as "1." or "（2）" dropped."""
    parts = re.split(r"[\n；;]+", text or "")
    out = []
    for part in parts:
        line = re.sub(r"^\s*(?:[（(]?\d+[)）.、．]|[-•·])\s*", "", part).strip(" \t。")
        if line:
            out.append(line[:MAX_MEASURE])
    return out
