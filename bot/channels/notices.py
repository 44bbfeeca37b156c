"""The few replies a channel sends itself, before the dialogue: about media, a location pin, or too many messages.

They are kept short (one SMS segment where possible) and give the helplines where it matters.
"""

from __future__ import annotations

NOTICES: dict[str, dict[str, str]] = {
    "media": {
        "en": "I cannot listen to voice notes or look at photos or videos. Please write in a few words. "
              "If a child is in danger, call 112 or 1098.",
        "hi": "मैं आवाज़ या फोटो नहीं देख-सुन सकता। कृपया कुछ शब्दों में लिखें। बच्चा खतरे में हो तो 112 या 1098 पर फोन करें।",
        "hi-Latn": "Main voice note ya photo nahi sun/dekh sakta. Kripya kuch shabdon me likhiye. Bachcha khatre me ho "
                   "to 112 ya 1098 par phone karein.",
        "bho": "हम आवाज़ भा फोटो ना सुन-देख सकीले। कुछ शब्द में लिख दीं। लइका खतरा में होखे त 112 भा 1098 पर फोन करीं।",
    },
    "media_kept": {
        "en": "I have kept it with your report for the NGO.",
        "hi": "मैंने इसे आपकी रिपोर्ट के साथ संस्था के लिए रख लिया है।",
        "hi-Latn": "Maine ise aapki report ke saath sanstha ke liye rakh liya hai.",
        "bho": "हम एकरा के राउर रिपोर्ट के साथे संस्था खातिर रख लेले बानी।",
    },
    "location_kept": {
        "en": "Thank you, the location is added to your report.",
        "hi": "धन्यवाद, जगह आपकी रिपोर्ट में जोड़ दी गई है।",
        "hi-Latn": "Dhanyavaad, jagah aapki report me jod di gayi hai.",
        "bho": "धन्यवाद, जगह राउर रिपोर्ट में जोड़ दिहल गइल बा।",
    },
    "location_alone": {
        "en": "Thank you for the location. To report something, write what happened. Danger now? Call 112 or 1098.",
        "hi": "जगह भेजने के लिए धन्यवाद। सूचना देनी हो तो लिखें कि क्या हुआ। अभी खतरा? 112 या 1098 पर फोन करें।",
        "hi-Latn": "Jagah bhejne ke liye dhanyavaad. Suchna deni ho to likhiye kya hua. Abhi khatra? 112 ya 1098 par "
                   "phone karein.",
        "bho": "जगह भेजे खातिर धन्यवाद। सूचना देवे के होखे त लिखीं का भइल। अबहीं खतरा? 112 भा 1098 पर फोन करीं।",
    },
    "error": {
        "en": "Sorry, something went wrong and I could not answer. Please try again. Danger now? Call 112 or 1098.",
        "hi": "माफ़ करें, कुछ गड़बड़ हुई और मैं जवाब नहीं दे सका। फिर से लिखें। अभी खतरा? 112 या 1098 पर फोन करें।",
        "hi-Latn": "Maaf kijiye, kuch gadbad hui aur main jawab nahi de saka. Phir se likhiye. Abhi khatra? "
                   "112 ya 1098 par phone karein.",
        "bho": "माफ करीं, कुछ गड़बड़ भइल आ हम जवाब ना दे पवनी। फेर से लिखीं। अबहीं खतरा? 112 भा 1098 पर फोन करीं।",
    },
    "too_long": {
        "en": "Your message is too long for me. Please send it in shorter parts. Danger now? Call 112 or 1098.",
        "hi": "आपका संदेश बहुत लंबा है। कृपया छोटे हिस्सों में भेजें। अभी खतरा? 112 या 1098 पर फोन करें।",
        "hi-Latn": "Aapka message bahut lamba hai. Kripya chhote hisson me bhejiye. Abhi khatra? 112 ya 1098 par "
                   "phone karein.",
        "bho": "राउर संदेश बहुत लंबा बा। छोट-छोट हिस्सा में भेजीं। अबहीं खतरा? 112 भा 1098 पर फोन करीं।",
    },
    "slow_down": {
        "en": "You have sent many messages. Please wait a minute. If a child is in danger, call 112 or 1098 now.",
        "hi": "आपने बहुत संदेश भेजे हैं। एक मिनट रुकें। बच्चा खतरे में हो तो अभी 112 या 1098 पर फोन करें।",
        "hi-Latn": "Aapne bahut message bheje hain. Ek minute rukiye. Bachcha khatre me ho to abhi 112 ya 1098 par "
                   "phone karein.",
        "bho": "रउआ बहुत संदेश भेजले बानी। एक मिनट रुकीं। लइका खतरा में होखे त अबहीं 112 भा 1098 पर फोन करीं।",
    },
}


def notice(name: str, language: str | None) -> str:
    texts = NOTICES[name]
    return texts.get(language or "hi", texts["hi"])
