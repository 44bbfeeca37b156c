"""`make validate`: domain.yml's responses are what the reply catalogue gives (scripts/build_domain.py --check), and
`rasa data validate`, failing on every warning except one Rasa gets wrong for us.

Rasa warns "The utterance X is not used in any story or rule" for responses that a form asks with (utter_ask_<slot>)
or that a custom action sends by name (dispatcher.utter_message(response="utter_...")). Those are used; every other
warning, and this one for a response nothing uses, still fails the build. Intents named EXTERNAL_... are sent by our
own code through Rasa's HTTP API (trigger_intent), never typed, so they have no training examples by design.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
UNUSED = re.compile(r"The utterance '(utter_[a-z0-9_]+)' is not used in any story or rule")
EXTERNAL_WITHOUT_EXAMPLES = re.compile(
    r"The intent 'EXTERNAL_[A-Za-z0-9_]+' is listed in the domain file, but is not found in the NLU training data"
)
WARNING = re.compile(r"UserWarning:| WARNING ")


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
    print("rasa data validate: no warnings (responses sent by forms and actions excepted)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
