"""Right-to-left text as phones show it: direction marks for Urdu messages.

Urdu replies mix Arabic script with left-to-right pieces: the helplines 112, 1098 and 139, report codes ("status
R-4821"), menu labels ("3 Hindi (Roman)"), "DM/SDM", "CLTS". Phones lay out each line with the Unicode
bidirectional algorithm, which takes a line's direction from its first strong letter. Two things then go wrong:

- a line that starts with a number or a Latin word ("112 پر فون کریں", "status R-4821 بھیجیں", "3 Hindi (Roman)")
  is laid out left to right, so the Urdu words of that line come out in the wrong order;
- a closing bracket at the end of a Latin run ("Hindi (Roman)") sits between a Latin letter and the right-to-left
  line, so it takes the line's direction and jumps to the other end of the run.

`mark_rtl` fixes both with the two oldest marks, which every phone font since Android 4 and iOS 5 knows (the newer
isolates U+2066-2069 still show as boxes on some cheap phones): a RIGHT-TO-LEFT MARK (U+200F) at the start of every
line whose first letter is not Arabic script, and a LEFT-TO-RIGHT MARK (U+200E) after a Latin run that ends in its
own closing bracket. Texts without Arabic script are returned unchanged; a left-to-right text with an Urdu word in
it gets an LRM on that line. Each mark is one UCS-2 unit, so SMS length is counted on the marked text
(tests/test_responses.py, tests/test_facts.py). The senders (bot/delivery/senders.py) and the Telegram output apply
it to every text they send; readers drop the marks again (bot.text.normalise).
"""

from __future__ import annotations

import re

RLM = "\u200f"
LRM = "\u200e"

_ARABIC = re.compile(r"[\u0621-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]")
_LATIN_OR_INDIC = re.compile(r"[A-Za-z\u00c0-\u024f\u0900-\u097f]")
_FIRST_LETTER = re.compile(r"[^\W\d_]")
# A Latin run: Latin letters and what sits inside codes and labels (digits, spaces, - / . : + # ( )), starting with a
# Latin letter and ending in a closing bracket that would otherwise take the line's direction. Only a bracket opened
# inside the run is the run's ("Hindi (Roman)"); in "(CLTS)" both brackets sit by Urdu and are laid out right.
_LATIN_RUN_ENDING_IN_BRACKET = re.compile(r"[A-Za-z][A-Za-z0-9 ()\-/.:+#']*?[A-Za-z0-9][)\]]+(?![A-Za-z0-9])")


def has_rtl(text: str) -> bool:
    """True when the text contains Arabic-script letters (Urdu)."""
    return bool(_ARABIC.search(text or ""))


def is_rtl(text: str) -> bool:
    """True for an Urdu message, laid out right to left: at least a third of its letters are Arabic script. Not a
    majority: an Urdu reply quotes Latin codes and menu labels ("status R-4821 بھیجیں", the language menu), while
    another language's text holds at most the one word "اردو"."""
    arabic = len(_ARABIC.findall(text or ""))
    return arabic > 0 and 2 * arabic >= len(_LATIN_OR_INDIC.findall(text or ""))


def mark_rtl(text: str) -> str:
    """The text with direction marks (see the module docstring); unchanged when it has no Arabic script or is
    already marked. Idempotent.

    An Urdu message gets an RLM on every line that starts with a Latin word. A left-to-right message with an Urdu
    word in it (the language menu's "6 اردو" in every other language) gets an LRM on those lines only, so the
    number stays on the left like the others; its other lines are not touched."""
    if not has_rtl(text):
        return text
    if is_rtl(text):
        return "\n".join(_mark_line(line) for line in text.split("\n"))
    return "\n".join(LRM + line if has_rtl(line) and not line.startswith(LRM) else line for line in text.split("\n"))


def _mark_line(line: str) -> str:
    """In a right-to-left message: an RLM before a line whose first letter is not Arabic script (a line that starts
    with Arabic script is laid out right to left anyway, and each mark costs SMS length), and an LRM after Latin runs
    that end in their own bracket."""
    body = line[1:] if line.startswith(RLM) else line
    body = _LATIN_RUN_ENDING_IN_BRACKET.sub(_close_run, body)
    first = _FIRST_LETTER.search(body)
    return RLM + body if first and not _ARABIC.match(first.group()) else body


def _close_run(match: re.Match[str]) -> str:
    run, end = match.group(), match.end()
    opened_inside = run.count("(") + run.count("[") >= run.count(")") + run.count("]")
    if not opened_inside or match.string[end:end + 1] == LRM:
        return run
    return run + LRM
