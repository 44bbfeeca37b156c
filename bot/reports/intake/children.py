"""Children in a report message: how many ("3 bachche", "teen ladke") and which ages ("12-14 saal", "umar 12")."""

from __future__ import annotations

from typing import Iterable

from bot.reports.intake import vocab as V
from bot.reports.intake.model import MAX_AGE, MAX_COUNT, Children
from bot.reports.intake.tokens import _next, _Token

MAX_LOOSE_AGE_GAP = 6  # "12 13 saal" / "12, 14 saal" are one list; "3, 12 saal" is a count and an age


def _step(tokens: list[_Token], left: int, right: int) -> bool:
    """True if the numbers at `left` and `right` belong to one list ("12-14", "12 aur 14", "12, 13")."""
    a, b = tokens[left], tokens[right]
    if a.number is None or b.number is None or a.breaks:
        return False
    if right == left + 2:
        return tokens[left + 1].key in V.AGE_CONNECTORS and not tokens[left + 1].breaks
    if a.dash:
        return True
    return abs(a.number - b.number) <= MAX_LOOSE_AGE_GAP and a.key not in V.COUNT_ONLY_WORDS


def _numbers_back(tokens: list[_Token], end: int, used: set[int]) -> list[int]:
    """Indices of a number list ending at token `end` ("12-14", "12 aur 14", "10 12"), right to left."""
    group: list[int] = []
    i = end
    while i >= 0 and tokens[i].number is not None and i not in used:
        group.append(i)
        if i - 1 >= 0 and _step(tokens, i - 1, i):
            i -= 1
        elif i - 2 >= 0 and _step(tokens, i - 2, i):
            i -= 2
        else:
            break
    return group


def _numbers_forward(tokens: list[_Token], start: int) -> list[int]:
    group: list[int] = []
    i = start
    while i < len(tokens) and tokens[i].number is not None:
        group.append(i)
        if i + 1 < len(tokens) and _step(tokens, i, i + 1):
            i += 1
        elif i + 2 < len(tokens) and _step(tokens, i, i + 2):
            i += 2
        else:
            break
    return group


def _is_age(value: int | None, tok: _Token) -> bool:
    if value is None or not 1 <= value <= MAX_AGE or tok.key in V.COUNT_ONLY_WORDS:
        return False
    return not tok.low.isdigit() or len(tok.low) <= 2


def _read_ages(tokens: list[_Token], asked: str | None, used: set[int]) -> list[int]:
    """Ages after "saal", after "umar", in "wo hai 12" and "ek 12 ka"; their tokens go into `used`."""
    ages: list[int] = []

    def take(indices: Iterable[int]) -> None:
        for i in indices:
            value = tokens[i].number
            if _is_age(value, tokens[i]) and value not in ages:
                ages.append(value)  # type: ignore[arg-type]
            used.add(i)

    for i, tok in enumerate(tokens):
        if tok.key in V.AGE_UNITS and i > 0:
            group = _numbers_back(tokens, i - 1, used)
            if not group or not all(_is_age(tokens[j].number, tokens[j]) for j in group):
                continue
            if _next(tokens, i + 1) in V.NOT_AGE_AFTER:
                continue  # "2 saal pehle", "5 saal se"
            before = min(group) - 1
            if before >= 0 and not tokens[before].breaks and tokens[before].key in V.NOT_AGE_BEFORE:
                continue  # "pichhle 2 saal"
            take(sorted(group))
        elif tok.key in V.AGE_CUES:
            j = i + 1
            while j < len(tokens) and tokens[j].key in V.AGE_CUE_SKIP and not tokens[j - 1].breaks:
                j += 1
            group = _numbers_forward(tokens, j) if j < len(tokens) and not tokens[j - 1].breaks else []
            if group and all(_is_age(tokens[k].number, tokens[k]) for k in group):
                take(group)
        elif (
            tok.key in ("is", "hai", "है")
            and 0 < i < len(tokens) - 1
            and tokens[i - 1].key in V.HE_SHE
            and _is_age(tokens[i + 1].number, tokens[i + 1])
            and _next(tokens, i + 2) not in V.NOT_COUNT_AFTER
            and not tokens[i].breaks
        ):
            take([i + 1])  # "he is 13", "wo hai 12"
        elif (
            asked == "children"
            and tok.key in V.GENITIVE
            and i > 0
            and _is_age(tokens[i - 1].number, tokens[i - 1])
            and i - 1 not in used
            and (i - 1 > 0 and tokens[i - 2].number is not None or i - 1 > 0 and tokens[i - 2].key in V.AGE_CONNECTORS)
        ):
            take([i - 1])  # "ek 12 ka, ek 14 ka"

    return ages


def _count_before_nouns(tokens: list[_Token], used: set[int]) -> int | None:
    """"3 bachche", "2 ladke 1 ladki", "5 bachche: 3 ladke 2 ladkiyan"."""
    generic = gendered = 0
    for i, tok in enumerate(tokens):
        value = tok.number
        if value is None or i in used or not 1 <= value <= MAX_COUNT:
            continue
        if _next(tokens, i + 1) in V.NEG_AFTER_VALUE:
            continue  # "3 nahi, 4 bachche"
        j = i + 1
        while j < len(tokens) and j <= i + 2 and tokens[j].key in V.COUNT_BETWEEN and not tokens[j - 1].breaks:
            j += 1
        noun = _next(tokens, j) if j > i else None
        if noun in V.CHILD_NOUNS:
            used.add(i)
            if noun in V.CHILD_GENERIC:
                generic += value
            else:
                gendered += value
    if generic and gendered:
        return generic if gendered <= generic else generic + gendered  # "5 bachche: 3 ladke 2 ladkiyan"
    return generic or gendered or None


def _count_after_noun(tokens: list[_Token], used: set[int]) -> int | None:
    """"bachche: 3", "children 4"."""
    for i, tok in enumerate(tokens[:-1]):
        value = tokens[i + 1].number
        if (
            tok.key in V.CHILD_NOUNS
            and not tok.breaks
            and value is not None
            and i + 1 not in used
            and 1 <= value <= MAX_COUNT
            and (i + 2 == len(tokens) or tokens[i + 1].breaks or tokens[i + 1].comma)
        ):
            used.add(i + 1)
            return value
    return None


def _bare_count(tokens: list[_Token], used: set[int]) -> int | None:
    """A bare number answering "how many children?": "3", "teen", "3, 12-14 saal", "sorry, 4"."""
    count: int | None = None
    lead = [i for i, t in enumerate(tokens) if t.key not in V.LEAD_SKIP and t.key not in V.FILLERS]
    for i in lead[:1]:
        value = tokens[i].number
        if value is not None and i not in used and 1 <= value <= MAX_COUNT:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is None or (nxt.key not in V.NOT_COUNT_AFTER and (nxt.number is None or tokens[i].comma)):
                count = value  # but not "ek 12 ka, ek 14 ka" (one is 12, one is 14)
    return count


def _read_children(tokens: list[_Token], asked: str | None) -> Children | None:
    """The count and ages a message gives; ages first, so a number read as an age is not also a count."""
    used: set[int] = set()
    ages = _read_ages(tokens, asked, used)
    count = _count_before_nouns(tokens, used)
    if count is None:
        count = _count_after_noun(tokens, used)
    if count is None and asked == "children":
        count = _bare_count(tokens, used)
    if count is None and not ages:
        return None
    return Children(count, tuple(ages))
