"""The emergency safety net: strong cues in any language are caught; ordinary messages are left alone."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.emergency_cues import EmergencyCueClassifier, has_emergency_cue


@pytest.mark.parametrize(
    "text",
    ["BACHAO", "please save my son they took him", "मेरे बच्चे को बचाओ", "आपातकाल", "wo log usko maar rahe hain",
     "हमरा लइका के मारत बाड़े", "seth ne kamre me band karke rakha hai", "SOS", "my brother is locked inside a room",
     "बच्चा कैद है जयपुर में", "बचा लीं हो", "they tied up the boys in the back room", "my son is unconscious",
     "मालिक ने लड़के को बाँध के रखा है", "बिटवा बेहोस पड़ल बा", "do gunde aaye hai bachche ko le jane",
     "jaldi police bhejo dhaba par", "main station ke peeche chhupa hu", "ओकरा के घसीट के ले गइल",
     # a cry repeated: "help help", "madad madad" in three scripts
     "help help", "HELP HELP jaldi", "madad madad", "मदद मदद कोई आओ", "مدد مدد جلدی", "koi bachalo",
     # Urdu, and the same typed on an Arabic keyboard (ي ك ه for ی ک ہ)
     "میرے بیٹے کو بچاؤ", "وہ لوگ اسے مار رہے ہیں", "بچے کو کمرے میں بند کر رکھا ہے", "جلدی پولیس بھیجیں",
     "بچے کو كمرے میں بند کر رکھا ہے", "بچہ قید ہے جے پور میں", "میرے بھائی کا اغوا ہو گیا"],
)
def test_strong_cues_are_caught(text: str) -> None:
    assert has_emergency_cue(text)


@pytest.mark.parametrize(
    "text",
    ["mera beta 12 saal ka hai", "muavza kab milega", "school me dakhila", "the school is closed", "bandar",
     "bachat khata khulwana hai",
     "beti ka case bina bataye band kar diya", "बचत खाता", "helpline number", "kaidi", "स्कूल बंद है", "hamlet",
     "police ne FIR nahi likhi", "baandhkar", "band gaadi", "बंधुआ मजदूरी का पैसा",
     "معاوضہ کب ملے گا", "اسکول میں داخلہ", "اسکول بند ہے", "بچت کھاتہ", "قیدی",
     "help", "madad chahiye school ke liye", "मदद करो मुआवजे में", "help me with the form"],
)
def test_ordinary_messages_are_left_alone(text: str) -> None:
    assert not has_emergency_cue(text)


def test_component_overrides_the_intent() -> None:
    message = Message(data={"text": "bachao", "intent": {"name": "greet", "confidence": 0.9},
                            "intent_ranking": [{"name": "greet", "confidence": 0.9}]})
    EmergencyCueClassifier().process([message])
    assert message.get("intent") == {"name": "report_emergency", "confidence": 1.0}
    assert message.get("intent_ranking")[1] == {"name": "greet", "confidence": 0.0}


def _ranked(text: str, emergency: float) -> Message:
    top = {"name": "ask_case_status", "confidence": 1.0 - emergency}
    return Message(data={"text": text, "intent": dict(top),
                         "intent_ranking": [top, {"name": "report_emergency", "confidence": emergency}]})


@pytest.mark.parametrize(("emergency", "taken"), [(0.5, True), (0.12, True), (0.119, False), (0.0, False)])
def test_an_emergency_the_classifier_suspected_wins_from_the_floor_up(emergency: float, taken: bool) -> None:
    """No cue word here: the classifier's own chance of an emergency decides, at the configured floor (0.12)."""
    message = _ranked("they are threatening to kill my son if we complain", emergency)
    EmergencyCueClassifier({"min_confidence": 0.12}).process([message])
    assert (message.get("intent")["name"] == "report_emergency") is taken


def test_the_floor_is_read_from_config_yml() -> None:
    """The step in the shipped pipeline has the floor the README's figures were measured with."""
    import yaml

    from bot.settings import PROJECT_ROOT

    pipeline = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    step = next(s for s in pipeline if s["name"].endswith("EmergencyCueClassifier"))
    assert step["min_confidence"] == EmergencyCueClassifier.get_default_config()["min_confidence"] == 0.12
