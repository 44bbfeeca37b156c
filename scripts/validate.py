"""`make validate`: domain.yml's responses are what the reply catalogue gives (scripts/build_domain.py --check), and
`rasa data validate`, failing on every warning except one Rasa gets wrong for us.

Rasa warns "The utterance X is not used in any story or rule" for responses that a form asks with (utter_ask_<slot>)
or that a custom action sends by name (dispatcher.utter_message(response="utter_...")). Those are used; every other
warning, and this one for a response nothing uses, still fails the build. Intents named EXTERNAL_... are sent by our
own code through Rasa's HTTP API (trigger_intent), never typed, so they have no training examples by design.

It also checks the dialogue contract (bot/dialogue): the `menu_choice` values of the domain are exactly the `Choice`
enum, every question of the registry is a response of the domain, and every meaning a question can give a reply is
handled by some rule (or, for the few an action reads itself, named by that action).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
UNUSED = re.compile(r"The utterance '(utter_[a-z0-9_]+)' is not used in any story or rule")
EXTERNAL_WITHOUT_EXAMPLES = re.compile(
    r"The intent 'EXTERNAL_[A-Za-z0-9_]+' is listed in the domain file, but is not found in the NLU training data"
)
WARNING = re.compile(r"UserWarning:| WARNING ")
CHOICE_IN_CODE = re.compile(r"\bChoice\.([A-Z0-9_]+)\b")


def _values_of(node: Any, key: str, found: set[Any]) -> set[Any]:
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key:
                found.add(value)
            _values_of(value, key, found)
    elif isinstance(node, list):
        for item in node:
            _values_of(item, key, found)
    return found


def choices_in_rules(root: Path = ROOT) -> set[str]:
    """Every `menu_choice` value a rule (data/rules/*.yml) checks with slot_was_set."""
    found: set[Any] = set()
    for path in sorted(root.joinpath("data", "rules").glob("*.yml")):
        _values_of(yaml.safe_load(path.read_text(encoding="utf-8")), "menu_choice", found)
    return {value for value in found if value is not None}


def choices_read_by_actions(root: Path = ROOT) -> set[str]:
    """`menu_choice` values an action compares with itself (e.g. Choice.REPORT_STOP in action_submit_report)."""
    from bot.dialogue.choices import Choice

    names = set(CHOICE_IN_CODE.findall(root.joinpath("actions", "actions.py").read_text(encoding="utf-8")))
    return {Choice[name].value for name in names if name in Choice.__members__}


def contract_problems(root: Path = ROOT) -> list[str]:
    """What does not match between bot/dialogue (Choice, QUESTIONS), the domain and the rules."""
    from bot.dialogue.choices import Choice
    from bot.dialogue.questions import QUESTIONS

    domain = yaml.safe_load(root.joinpath("domain.yml").read_text(encoding="utf-8"))
    problems = []
    slot = domain["slots"]["menu_choice"]
    declared = {str(value) for value in slot.get("values") or []}
    enum = {choice.value for choice in Choice}
    if slot.get("type") != "categorical" or declared != enum:
        problems.append(f"slot menu_choice: only in the domain {sorted(declared - enum)}, "
                        f"only in bot.dialogue.Choice {sorted(enum - declared)}")
    handled = choices_in_rules(root) | choices_read_by_actions(root)
    if handled - enum:
        problems.append(f"rules check menu_choice values that are not a Choice: {sorted(handled - enum)}")
    if enum - handled:
        problems.append(f"Choice values no rule or action handles: {sorted(enum - handled)}")
    for prompt, question in QUESTIONS.items():
        if prompt not in domain["responses"]:
            problems.append(f"question {prompt}: not a response in domain.yml")
        for choice in sorted(question.choices()):
            if choice.value not in handled:
                problems.append(f"question {prompt}: no rule handles {choice.value}")
    return problems


def used_outside_stories() -> set[str]:
    """Responses asked by forms, and responses named in our code (actions/ and bot/)."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    used = {f"utter_ask_{slot}" for form in (domain.get("forms") or {}).values()
            for slot in form.get("required_slots", [])}
    for path in [*ROOT.joinpath("actions").rglob("*.py"), *ROOT.joinpath("bot").rglob("*.py")]:
        used |= set(re.findall(r"[\"'](utter_[a-z0-9_]+)[\"']", path.read_text(encoding="utf-8")))
        # f-strings such as f"utter_report_status_{status}": every response with that prefix counts
        for prefix in re.findall(r"f[\"'](utter_[a-z0-9_]+_)\{", path.read_text(encoding="utf-8")):
            used |= {name for name in domain["responses"] if name.startswith(prefix)}
    return used


def main() -> int:
    if subprocess.run([sys.executable, str(ROOT / "scripts" / "build_domain.py"), "--check"], cwd=ROOT).returncode:
        print("rasa data validate: FAILED (domain.yml is stale)")
        return 1
    contract = contract_problems()
    if contract:
        print("\n".join(contract))
        print("dialogue contract (bot/dialogue vs domain.yml and data/rules/): FAILED")
        return 1
    rasa = str(Path(sys.executable).parent / "rasa")
    result = subprocess.run([rasa, "data", "validate"], cwd=ROOT, capture_output=True, text=True)
    output = result.stdout + result.stderr
    allowed = used_outside_stories()
    problems = []
    for line in output.splitlines():
        if not WARNING.search(line):
            continue
        unused = UNUSED.search(line)
        if unused and unused.group(1) in allowed:
            continue
        if EXTERNAL_WITHOUT_EXAMPLES.search(line):
            continue
        problems.append(line.strip())
    if result.returncode != 0 or problems:
        print(output if result.returncode != 0 else "\n".join(problems))
        print("rasa data validate: FAILED")
        return 1
    print("dialogue contract: menu_choice values, questions and rules agree")
    print("rasa data validate: no warnings (responses sent by forms and actions excepted)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
