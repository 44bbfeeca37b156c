"""Size metrics for the Python code under a folder: largest modules, longest functions, word-list literals.

Why: the clean-ups of issue 11 promise "no function over ~60 lines, no module over ~500 lines" and
"vocabulary out of Python"; this prints the numbers that check those promises.
Usage: python scripts/code_metrics.py [folder=bot] [--top N]
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _is_word_list(node: ast.AST) -> bool:
    """A literal set/list/tuple/dict of five or more string constants, at least one of them not English-looking
    (non-ASCII), or a dict whose keys are such strings: the shape of the multilingual vocabulary literals."""
    if isinstance(node, ast.Dict):
        items = [k for k in node.keys if k is not None]
    elif isinstance(node, (ast.Set, ast.List, ast.Tuple)):
        items = node.elts
    else:
        return False
    strings = [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]
    if len(strings) < 5 or len(strings) < 0.8 * len(items):
        return False
    return any(_NON_ASCII.search(s) for s in strings) or all(_LETTERS.search(s) and " " not in s for s in strings) \
        and len(strings) >= 8


def measure(root: Path, top: int = 10) -> None:
    functions: list[tuple[int, str]] = []
    modules: list[tuple[int, str]] = []
    literal_lines = 0
    literal_count = 0
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        modules.append((len(text.splitlines()), str(path)))
        tree = ast.parse(text)
        seen: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions.append((node.end_lineno - node.lineno + 1, f"{path}:{node.lineno} {node.name}"))
            if _is_word_list(node) and not any(line in seen for line in range(node.lineno, node.end_lineno + 1)):
                literal_count += 1
                for line in range(node.lineno, node.end_lineno + 1):
                    seen.add(line)
        literal_lines += len(seen)
    modules.sort(reverse=True)
    functions.sort(reverse=True)
    print(f"modules: {len(modules)}; over 500 lines: {sum(n > 500 for n, _ in modules)}")
    for n, name in modules[:top]:
        print(f"  {n:5d}  {name}")
    print(f"functions: {len(functions)}; over 60 lines: {sum(n > 60 for n, _ in functions)}")
    for n, name in functions[:top]:
        print(f"  {n:5d}  {name}")
    print(f"word-list literals: {literal_count} literals over {literal_lines} lines")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 10
    measure(Path(args[0] if args else "bot"), top)
