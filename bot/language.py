"""Which language a message is written in, and which language to answer in.

The helpline is used by families in rural Bihar who write Hindi (Devanagari), Hindi typed in Latin letters
("Roman Hindi"/Hinglish), Indian English in SMS style, Bhojpuri (either script) and some Maithili. We answer in
"en", "hi", "hi-Latn" or "bho".

Why word lists and not a model: this runs on every message, must be deterministic and cheap, and generic language-ID
models cannot tell Roman Hindi from English or Bhojpuri from Hindi on a six-word SMS. Curated marker words can: the
languages share most content words (beta, paisa, school, Jaipur) but differ sharply in a few grammatical words
(है / बा / अछि, मेरा / हमार / हमर, hai / ba / achhi, the / is / was). Each message is scored from those markers,
weighted by how distinctive they are; the script (majority of Devanagari vs Latin letters) decides between "hi" and
"hi-Latn". Nothing here logs or stores the text.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

LANGUAGES: tuple[str, ...] = ("en", "hi", "hi-Latn", "bho", "mai")
"""Codes `detect_language` can return. "hi" is Devanagari Hindi, "hi-Latn" Hindi in Latin letters."""

REPLY_LANGUAGES: tuple[str, ...] = ("en", "hi", "hi-Latn", "bho")
"""Languages we write replies in. We read Maithili but answer Maithili writers in Hindi."""

LANGUAGE_MENU: tuple[str, ...] = REPLY_LANGUAGES
"""Order of the language menu: "1 English, 2 हिंदी, 3 Hindi (Roman), 4 भोजपुरी"."""


@dataclass(frozen=True)
class Detection:
    """Result of `detect_language`.

    `language` is one of LANGUAGES or None when there is no evidence at all; `script` is "Deva", "Latn" or "none";
    `confidence` (0..1) grows with the amount of evidence and the margin over the runner-up, so callers can ignore
    weak guesses (a bare "ok" or "haan" should not flip the reply language).
    """

    language: str | None
    script: str
    confidence: float


# --------------------------------------------------------------------------------------------------------------
# Normalisation and tokens
# --------------------------------------------------------------------------------------------------------------

_NUKTA = "\u093c"
_CHANDRABINDU = "\u0901"
_ANUSVARA = "\u0902"
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"))

# Devanagari letters/marks (no digits, no danda) or Latin letters with an optional apostrophe part (don't, i'm).
_TOKEN_RE = re.compile(r"[\u0900-\u0963\u0971-\u097f]+|[a-z\u00e0-\u024f]+(?:['\u2019][a-z]+)*")
_REPEAT3_RE = re.compile(r"(.)\1{2,}")
_REPEAT2_RE = re.compile(r"(.)\1+")


def _is_devanagari_letter(ch: str) -> bool:
    """Devanagari letters and vowel signs count toward the script; digits (०-९) and dandas do not."""
    return ("\u0900" <= ch <= "\u0963" or "\u0971" <= ch <= "\u097f") and unicodedata.category(ch)[0] in "LM"


def _is_latin_letter(ch: str) -> bool:
    """ASCII letters plus accented Latin (people sometimes type é, ā)."""
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ("\u00c0" <= ch <= "\u024f" and ch.isalpha())


def _normalise_deva(word: str) -> str:
    """Fold spelling variants that phones produce inconsistently: nukta (ड़/ड), chandrabindu vs anusvara (हूँ/हूं)."""
    return word.replace(_NUKTA, "").replace(_CHANDRABINDU, _ANUSVARA)


def _normalise(text: str) -> str:
    """NFC, lower case, no zero-width joiners, folded Devanagari variants, curly apostrophes made straight."""
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH).lower().replace("\u2019", "'")
    return _normalise_deva(text)


def _tokens(text: str) -> list[str]:
    """Word tokens of the normalised text; apostrophes dropped so "don't" matches "dont"."""
    return [t.replace("'", "") for t in _TOKEN_RE.findall(_normalise(text))]


def _is_deva_token(token: str) -> bool:
    """Tokens are single-script by construction, so the first character tells."""
    return "\u0900" <= token[0] <= "\u097f"


def _script_of(text: str) -> str:
    """Majority script by letter count; ties go to Devanagari (an all-Latin text cannot tie)."""
    deva = sum(1 for ch in text if _is_devanagari_letter(ch))
    latin = sum(1 for ch in text if _is_latin_letter(ch))
    if deva == 0 and latin == 0:
        return "none"
    return "Deva" if deva >= latin else "Latn"


# --------------------------------------------------------------------------------------------------------------
# Marker lexicons
#
# Two questions are answered separately. English or an Indian language? Every Hindi-belt word counts for that
# (the "indic" lists: beta, ghar, paisa, kuch, ke, se). Which Indian language? Only words that set Hindi, Bhojpuri
# and Maithili apart count for that (है / बा / अछि, मेरा / हमार / हमर, gaya / gail / gel), so Bhojpuri or
# Maithili can only win on their own distinctive words.
#
# Weights: 3 = distinctive, 2 = typical, 1 = common but also used elsewhere, 0.5 = weak hint. Place names and
# loanwords every writer uses (school, police, phone, ok, case, TC) are absent; form/office/admission-type
# loanwords count only weakly for English.
# --------------------------------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    """Whitespace-separated words, normalised like user text so the lists can be written naturally."""
    return [_normalise(word) for word in text.split()]


def _lexicon(tiers: Mapping[float, str]) -> dict[str, float]:
    """Build word -> weight from word lists per weight; a word listed twice keeps its higher weight."""
    lex: dict[str, float] = {}
    for weight, words in tiers.items():
        for word in _words(words):
            lex[word] = max(weight, lex.get(word, 0.0))
    return lex


_EN = _lexicon({
    2: """
        my your our their his her what how when where why who which whom whose not please pls plz plzz plese pleas
        son daughter money have has had they she you we it this that there been went gone came come coming going
        with from for of and about any some still also after before because since ago days months weeks years
        yet will would can could should did does dont didnt doesnt cant wont isnt hasnt havent wasnt arent hadnt
        couldnt shouldnt wouldnt want wants need needs know tell told talk speak child children kid kids boy boys
        girl girls brother sister father mother husband wife home work working back returned rescued missing lost
        found received receive paid pay payment compensation amount got get take taken took give given gave said
        says him them u ur wat wht hw nt dnt im ive thx thanks thank hello are am were was here then than if but
        just all only very much many more again now today tomorrow yesterday morning night evening name someone
        anyone nobody nothing something people person scared afraid worried sorry every never always already left
        leave lives living live stay staying called calling sent send district village brought bring waiting wait
        week month year day hours hour doing done be being let like into out up down over under till until soon
        late long less anything everything asked ask asking say happened happen safe beat beaten locked apply
        applied return youre theyre hes shes its thats whats bcoz coz bcz becoz cuz tel wen whr wher abt frm hv
        hav wid wth must ours yours hers whether anybody somebody employer owner boss contractor address near far
        taking bringing kindly regarding regards dear respected
    """,
    1.5: "is the i he help yes",
    1: """
        me in on at to so or a an no hi one two three four ten hey fine bye goodbye wrong correct nope yep yup later
        show choices options change language status afternoon last result download password messages bail
    """,
    # loanwords Hinglish uses as freely as English does
    0.5: """
        do us use main form admission office officer complaint report certificate documents teacher number mobile
        message factory agent job jobs city family problem email mail gmail fail jail detail details rail
    """,
})

_INDIC_LATN = _lexicon({
    2: """
        beta beti bachcha bachche bacche baccha bachchi bachon bachchon bacha bache bachi ghar ghr gaon gaanv gav
        paisa paise rupaye rupay rupiya din saal sal mahina mahine mahino kuch kuchh koi bahut bahot bohot bhut bht
        abhi abi aaj kal bhi aur lekin magar pata pta madad sahayata lapata wapas vapas wapis kaam naukri mazdoori
        majdoori thekedar muavza muavaza muawza mawja sarkar sarkari jila zila thana kab kaise kaisa kese kahan
        kahaan kitna kitne kitni kaun kon nahi nahin nhi nahee haan han haa ji jee namaste namaskar pranam bhaiya
        bhai didi babuji sab sabhi phir fir ab jaldi mein saath sath andar bahar dhanyavad dhanyawad dhanyavaad
        shukriya khana kamana kamane wapsi seth sahab saheb baat jaise waise bahar log logon kahin kahi agar jab tab
        baad pehle pahle shahar ladai maar maarpit pitai band kamra bhag bhaag chhod chhoda kaha accha acha achha
        achchha theek thik thk bilkul sahi
    """,
    # shared nouns whose endings look like Bhojpuri/Maithili verb forms to the shape hints (-ela, -u, -yat)
    0.5: """
        mela akela kela thela jhamela chawal babu chalu shuru aalu jadu kaju bhalu daku chaku hindu sadhu
        shikayat sikayat shikayt tabiyat riyayat hidayat panchayat phaili thaili shaili maili me nai
    """,
    1.5: "ke ki se pe tak wala wale wali",
    1: "ka na par mat ham hum dalal kam bas",
})

_HI_LATN = _lexicon({
    3: """
        hai hain hei hay tha thi thaa mera meri mere mra mri mre mujhe muje mujhko mujhse hamara hamari hamare
        humara humari humare hmara hmari hmare kya kyaa kia kyu kyun kyon kyo raha rha rhi rhe hoon hun
        hu hoo gaya gayi gaye gya gyi gye aaya aayi aaye aya ayi hua hui huye hue hoga hogi honge chahiye chahie
        chaiye chaahiye chaiya karo karna karni karne krna kro kijiye kijie kariye kariyega kiya kiye ladka ladki
        ladke ladkiyan milega milegi milenge mila diya diye dijiye hota hoti hote sakta sakte sakti skte skta
        tumhara tera teri tumhe tumko uska uski uske unka unki unke iska iski iske yeh woh voh kidhar yahan yaha
        wahan waha kyunki kyuki kyoki isliye karenge karega karegi karte karta karti bataiye batao btao bataye
        bataya batayi batayiye bataen batana bolo boliye suniye dekhiye bhejo bheja maine usne unhone hamne humne
        hamein hume humein jayega jaayega jaega jaegi aayega aayegi dilaiye dilao dilwaiye likhwana likhwaya
        samjhao samjha lagta lagega lagenge rakha chala chale jaata jaati jaate pahuncha pahunchi karwa
        karwana unko usko isko kisi kisko kiska
    """,
    2: """
        aap aapka aapki aapke aapko apka apki apke apko aapse ne h hn ko gai ye wo vo tum jao jana jane jaane bhej
        rahi chali
    """,
    1.5: "mili",
    1: "nahi nahin nhi mai main diya rahe",
    0.5: "hi to the is use do he",
})

_BHO_LATN = _lexicon({
    3: """
        baa bate baate baani baade baadi hamre humar hamni hamani humni hamnike raua rauwa rauaa raur
        tohar tohra tohre okar okra ohkar ohkra gail gayil gaile gaila gailan gailas gayile bhail bhayil bhaile
        rahli rahle laika laikwa laikan laiki laikiya babua milal aail aayil aile aawat aawta chalat karat
        kaisan naikhe naikhi naikhin nikhe nahikhe ego khatir khatin dihal dihalas dihlas dihle lelas lihal kailas
        kailin kaila kahlas kahal bolal batawal dekhal bujhat bujhai hokhe sakeni sakila janat hamke tohke okke
        jaib aaib kuchhu kuchu kauno kehu kahwa kahwan kahawa uhaan ihaan tani mehraru hola holas
        hoila chalal bhejal pathawal bhetail paisawa betwa gharwa jaai aawe bujhata lagata
        kaini kailin gaini delas dihni kekra kekar kuchho abhin abahin abahi uhe ihe ihan uhan hawe hawan
        kahat bolat mangat lagal likhal padhal sunal pahunchal lautal chhutal bharal dharal kahtani kartani
        lagtani likhab dekhab bhejab rahab batab puchhab bolab kaile kaili
    """,
    2.5: "ba bani hamar",
    2: """
        kahe kaahe bitiya hoi naahi kari karin karila jaat karab kahab bhejin dihin batain kaalh hamra batai
        likhin bolin sunin dekhin pahile sathe katna keu kahle dele rakhle likhle bhejle dekhle
    """,
    1.5: "chahi sunai bachai karai dekhai chalai likhai samjhai bhejai dei ber kahiya lagat rahal",
    1: "rahe lagi ee majuri dikhai mili aai",
    0.75: "na",
})

_MAI_LATN = _lexicon({
    3: """
        achhi achi achhai chhi chhai chhal chhalai chhathi chhain chhalah ahan ahaan ahank bhel bhelai bhelak
        kataya katay etay etaya seho bhetal bhetat kahlak kelak kelai delak lelak delkai kiyek kiaek kakhan kakhano
        hunak hunkar dhiya puta dhiyaputa nena hetai hoyat kahiyau kahiyo chhiyai chhiyaik chhathin chhaiyai
        gelai gelah gelak aayal ekhan kaalhi kalhi paai kichhu kichu kiyo karait kahait rahait jait bujhal
        bhetat bhetatai yau diyau diau oeh kono kathi katek ehan ohan ghuri ghural pahine keo keyo apnek khabari
        lel aayat pathau
    """,
    2.5: "gaam gel",
    2: "kona apan chhe taka karab kahab sabh dhari aabi pachhila barakh gapp karu kahu likhu sunu kahiya",
    # imperatives -u/-au (Hindi writes -o/-ao: dekho, bachao)
    1.5: "okar katai je hamra chahi lagat rahal dekhau sunau bachau karau kahau badlu dekhu padhu bolu bheju nikalu",
    1: "hamar aha bala maas sa",
    0.5: "nai",
})

_INDIC_DEVA = _lexicon({
    2: """
        बेटा बेटी बच्चा बच्चे बच्ची बच्चों घर गांव गाँव पैसा पैसे रुपया रुपये रूपये दिन साल महीना महीने कुछ कोई बहुत
        अभी आज कल भी और लेकिन पता मदद लापता वापस काम मजदूरी ठेकेदार दलाल मुआवजा सरकार सरकारी जिला थाना कब कहां
        कितना कितने कितनी कौन नहीं नही हम जी हां नमस्ते प्रणाम भैया दीदी सब फिर अब जल्दी बाहर साथ धन्यवाद बात
        सेठ मालिक शहर मारपीट बंद भाग लोग अगर जब तब बाद पहले ठीक अच्छा बिल्कुल सही
    """,
    1.5: "के की से में तक पर ना वाला वाले वाली कहीं यहीं वहीं",
    1: "का ठीकेदार शिकायत",
    # Hindi words, loanwords and names whose endings look like Bhojpuri/Maithili verb forms to the shape hints
    # (-इल, -लक, -ल, -ब, -ेला, -ीला, -यत, -यल, -ाक)
    0.5: """
        मोबाइल फाइल ईमेल मेल बालक चालक घायल चावल पंचायत तबीयत तबियत हिदायत रियायत पायल कायल डायल निकल पागल जंगल
        मंगल बगल होटल सफल असफल विफल सरल दखल नकल अकल फसल चप्पल कंबल कम्बल बोतल पीतल आजकल हलचल दलदल गायब साहब
        मतलब गजब अजब मजहब मेला अकेला केला ठेला झमेला नीला पीला गीला ढीला जहरीला कबीला नाक डाक तलाक चालाक खतरनाक
        मजाक खुराक पोशाक दर्दनाक हॉस्पिटल टोटल लोकल मेडिकल स्पेशल लीगल सिग्नल फाइनल नॉर्मल पैनल मॉडल टेबल डबल
        डिजिटल कैंसल केमिकल जनरल पर्सनल पिस्टल कमल काजल कोमल बादल अटल विमल निर्मल
    """,
})

_HI_DEVA = _lexicon({
    3: """
        है हैं था थी थे मेरा मेरी मेरे मुझे मुझको मुझसे क्या कैसे कैसा कैसी गया गई गयी गए गये रहा हूं हुं
        आप आपका आपकी आपके आपको आपसे हमारा हमारी हमारे मैं क्यों क्यूं चाहिए चाहिये हुआ हुई हुए होगा होगी होंगे
        बताइए बताइये बताओ बताएं बताये बताया सकते सकता सकती उसका उसकी उसके उनका उनकी उनके इसका इसकी इसके आया
        आयी आए आये मिला मिलेगा मिलेगी मिलेंगे दिया दिए दिये करना करें करो कीजिए कीजिये किया किये किए तुम
        तुम्हारा लडका लडकी लडके हमें हमको बोला बोली भेजा यहां वहां क्योंकि इसलिए करेंगे करेगा करेगी करते करता
        करती होता होती होते जाता जाती जाते दीजिए दिलाइए दिलवाइए चला चली चले हमने मैंने उसने उन्होंने
        उसको उनको इसको किसी उसे उन्हें इसे आयेगा आएगा आयेगी आएगी जाएगा जायेगा जाएगी जायेगी थीं गयीं गईं हुईं
    """,
    2: "ने को ये वो यह वह अपना अपने अपनी मै आई रही",
    1.5: "मिली रहे दो",
    1: "तो कहा लो",
    0.5: "हे",
})

_BHO_DEVA = _lexicon({
    3: """
        बा बाटे बाटें बानी बाड़े बाड़ी बाड़ीं बाड़न बाड़ बावे हमार हमनी हमनीं रउआ रउरा रउवा राउर तोहार तोहरा
        गइल गईल गइलें गइले गइली गइलस भइल भईल रहली रहलें लइका लईका लइकन लइकवा लइकी लईकी बबुआ मिलल आइल आईल
        अइले अइलें करीं कइल कइलस कइलें कहलस कहलें नइखे नईखे नइखी एगो खातिर देखल बतावल बोलल होखे चलल भेजल
        कवनो केहू कुछु तनी मेहरारू जाइब आईं सकेला सकीं दिहल दिहलस लिहल लेलस हमके ओकरे उहां इहां
        कहंवा कहवां कइसे कइसन कईसे पहुंचल बुझाता लागत आवत करत रहत कहत जाईं पइसा पइसवा घरे
        चाहीं दीं लीं सुनीं अबहीं अबहिन अबहीन कुछो केकरा केकर काल्हु उहे इहे हवे हवन हउवे बाटी तोहनी कवन
        कइनी देलस देले रखले मांगत चलत बोलत
    """,
    2: """
        काहे जाई होई नाहीं बिटिया रुपिया जात ओकरा करब कहब काल्ह ह गो कतना पहिले साथे इस्कूल इसकूल जाव
        दोसर सोमार काहें जवन तवन केने लोगन अउर आउर
    """,
    1.5: "ओकर करी ऊ दू रहीं आईं एको बच्चन हमरा रहल कहिया हमरो ओकरो तोहरो",
    1: "रहे ना हं ई फेर माई लागी मजूरी सांझ चाही मिली",
})

_MAI_DEVA = _lexicon({
    3: """
        अछि अछी छी छै छल छलै छलाह छथि छथिन छैक अहां अहांक हमर भेल भेलै भेलाह गेल गेलै गेलाह नहि नहिं नञि कतय
        कतए कतऽ एतय एतए सेहो धिया पुता धियापुता कहलक केलक केलकै देलक लेलक देलकै आएल हएत होएत हेतै कोना किएक
        कखन हुनक हुनकर बड्ड गाम नेना एखन काल्हि पाइ लेल तखन जखन आब किछु कियो करैत कहैत रहैत जाइत बुझल भेटत
        भेटल भेटतै दियौ
        यौ ओएह कोनो कथी कतेक एहन ओहन घुरि घुरल पहिने चारि एकटा दूटा दुटा केओ केयो अपनेक खबरि होयत आयल सभटा
    """,
    2.5: "बौआ लिअ दिअ करिअ कहिअ",
    2: """
        सं कें टाका अपन करब कहब चाही कोन सभ धरि पछिला बरख टा गप्प कहिया आबि
        करू कहू चलू जाउ लिखू सुनू बदलू देखू पढू बैसू निकालू आनू बोलू भेजू रहू
    """,
    1.5: "ओकर ओकरा तोहर जे मे नै हमरा आइ तं माय काज दोसर गप रहल बला",
    1: "हं ई फेर दू मास सोम सांझ एको ओ हमरो ओकरो",
    0.3: "की",
})

# Two-word markers stronger than their parts ("की भेल" = "what happened" in Maithili).
_PHRASES: dict[tuple[str, str], tuple[str, float]] = {
    ("की", "भेल"): ("mai", 2.0),
    ("ki", "bhel"): ("mai", 2.0),
    ("nai", "bhetal"): ("mai", 2.0),
    ("ka", "bhail"): ("bho", 2.0),
    ("का", "भइल"): ("bho", 2.0),
    ("ले", "गइल"): ("bho", 1.0),
    ("le", "gail"): ("bho", 1.0),
    ("का", "हो"): ("bho", 2.0),  # "what's up" greeting; Hindi would be "क्या हाल"
    ("ka", "ho"): ("bho", 2.0),
    ("हं", "हो"): ("bho", 1.5),
    ("haan", "ho"): ("bho", 1.5),
    ("han", "ho"): ("bho", 1.5),
    ("ha", "ho"): ("bho", 1.5),
    ("कब", "ले"): ("bho", 1.5),  # "till when"; Hindi "kab tak"
    ("kab", "le"): ("bho", 1.5),
    ("ek", "go"): ("bho", 2.0),  # classifier "one (piece)"; Maithili "ekta"
    ("du", "go"): ("bho", 2.0),
}

# family -> (Devanagari lexicon, Latin lexicon). "indic" is evidence for "not English" only.
_FAMILY_LEXICONS: dict[str, tuple[dict[str, float], dict[str, float]]] = {
    "indic": (_INDIC_DEVA, _INDIC_LATN),
    "hi": (_HI_DEVA, _HI_LATN),
    "bho": (_BHO_DEVA, _BHO_LATN),
    "mai": (_MAI_DEVA, _MAI_LATN),
    "en": ({}, _EN),
}
_INDIC_LANGUAGES: tuple[str, ...] = ("hi", "bho", "mai")  # also the tie-break order: Hindi unless outscored

# Shape hints for words no list knows. Verb morphology is regular and sets the three languages apart:
#   Bhojpuri: past -इल/-अल (गइल, लिखल, gail), -लस (कहलस), polite imperative -ईं (बताईं, भेजीं), habitual -ेला
#     (मिलेला, milela), -इनी/-ेनी (कइनी, kaini), verbal nouns -ावल (बतावल, batawal), future -इह (bhejih).
#   Maithili: -लक (कहलक), -ैत/-इत (करैत, होइत), future -यत/-ओत (होयत, आओत, hoyat), past -यल/-ओल (आयल,
#     छोड़ाओल), -लहुं (छलहुं), imperative -ाउ (पठाउ), genitive -ाक/-बाक (बच्चाक, जेबाक), avagraha (कऽ, लऽ).
#   Hindi: futures and polite imperatives (-एगा, -इए). English has suffixes Roman Hindi never uses.
_DEVA_SUFFIXES: tuple[tuple[str, str, float], ...] = (
    ("इलस", "bho", 2.0), ("इलें", "bho", 2.0), ("इले", "bho", 2.0), ("इल", "bho", 2.0), ("लस", "bho", 1.0),
    ("ीं", "bho", 2.0), ("ईं", "bho", 2.0), ("ेला", "bho", 2.0), ("ीला", "bho", 1.5), ("ेलन", "bho", 2.0),
    ("इनी", "bho", 2.0), ("ईनी", "bho", 2.0), ("ेनी", "bho", 1.5), ("तानी", "bho", 2.0), ("ावल", "bho", 2.0),
    ("लक", "mai", 1.5), ("लकै", "mai", 2.0), ("लै", "mai", 1.0), ("लाह", "mai", 1.5), ("ैत", "mai", 2.0),
    ("इत", "mai", 2.0), ("यत", "mai", 1.5), ("ओत", "mai", 2.0), ("यल", "mai", 1.5), ("ओल", "mai", 2.0),
    ("लहुं", "mai", 2.0), ("ाउ", "mai", 2.0), ("ाक", "mai", 1.5), ("बाक", "mai", 2.5),
    ("ेंगे", "hi", 1.0), ("ेगा", "hi", 1.0), ("ेगी", "hi", 1.0), ("ाइए", "hi", 1.0), ("िए", "hi", 0.5),
    ("ोगे", "hi", 1.0), ("ओगे", "hi", 1.0), ("ो", "hi", 1.0),
)
_LATN_SUFFIXES: tuple[tuple[str, str, float], ...] = (
    ("ailas", "bho", 2.0), ("ayil", "bho", 2.0), ("ail", "bho", 1.5), ("las", "bho", 1.0),
    ("ela", "bho", 2.0), ("aini", "bho", 2.0), ("awal", "bho", 2.0), ("aili", "bho", 1.5), ("ih", "bho", 2.0),
    ("ihe", "bho", 2.0),
    ("lak", "mai", 1.5), ("elai", "mai", 1.5), ("ait", "mai", 1.0), ("ayat", "mai", 1.5), ("oyat", "mai", 2.0),
    ("enge", "hi", 1.0), ("ega", "hi", 1.0), ("egi", "hi", 1.0), ("iye", "hi", 1.0), ("iyega", "hi", 1.0),
    ("oge", "hi", 1.0),
    ("tion", "en", 1.0), ("sion", "en", 1.0), ("ing", "en", 1.0), ("ed", "en", 0.5), ("ly", "en", 0.5),
    ("ment", "en", 1.0), ("ness", "en", 1.0), ("ght", "en", 1.0), ("ould", "en", 1.0),
)
_LATN_INFIXES: tuple[tuple[str, str, float], ...] = (
    ("aa", "indic", 0.5), ("bh", "indic", 0.5), ("kh", "indic", 0.5), ("jh", "indic", 0.5),
    ("chh", "indic", 0.5), ("wh", "en", 0.5), ("ea", "en", 0.5), ("ou", "en", 0.5), ("ck", "en", 0.5),
    ("x", "en", 0.5), ("q", "en", 0.5),
)

# Devanagari consonants (क..ह): a consonant with no vowel sign before the last letter marks the bare-stem
# verb forms लिखल/छूटल (Bhojpuri past) and करब/लिखब (Bhojpuri/Maithili future); a consonant followed by the
# independent vowel इ is the Bhojpuri spelling of Hindi ऐ (कइसे, पइसा, भइया, लइका).
_DEVA_CONSONANTS = frozenset(chr(c) for c in range(0x0915, 0x093A))
_AVAGRAHA = "\u093d"  # ऽ: Maithili writes कऽ, लऽ, भऽ for the short final vowel
# Message-initial or -final का/ka is the Bhojpuri question word or particle ("का हो", "मिली का"); Hindi का
# sits between two nouns.
_EDGE_QUESTION = frozenset({"का", "ka"})
_EDGE_QUESTION_WEIGHT = 1.5

# A Devanagari text without markers ("जयपुर") is still most likely Hindi, and its writer reads Devanagari.
_DEVA_PRIOR = 0.5
# When only shared Hindi-belt words are present ("paisa kab"), we guess Hindi but halve the confidence.
_UNSURE_WHICH_INDIC = 0.5
# Replies made only of courtesy words ("thik hai", "ok thank u", "ठीक बा") say little about the language a person
# wants: they are capped below the usual 0.5 switching threshold.
_PHATIC = frozenset(_words("""
    ok okay k ji jee haan han haa ha hmm thik theek thk hai h ba baa achha acha accha achchha namaste namaskar pranam
    dhanyavad dhanyawad shukriya thanks thank thx you u yes no nahi nhi na bilkul sahi sir madam mam please pls plz
    hello hi hey bye good fine goodbye yep yup nope correct ho yau ठीक है हां हं हो यौ ओके जी नहीं ना अच्छा नमस्ते
    प्रणाम धन्यवाद शुक्रिया बा बिल्कुल सही सर
"""))
_PHATIC_CAP = 0.4
# Evidence scale: one distinctive word alone stays just under 0.5 confidence; two or three clear words exceed it.
_EVIDENCE_SCALE = 4.5


# --------------------------------------------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------------------------------------------


def _merge(index: int) -> dict[str, dict[str, float]]:
    """word -> {family: weight} for one script, so each token costs one dictionary lookup."""
    merged: dict[str, dict[str, float]] = {}
    for family, lexicons in _FAMILY_LEXICONS.items():
        for word, weight in lexicons[index].items():
            merged.setdefault(word, {})[family] = weight
    return merged


_DEVA_WORDS = _merge(0)
_LATN_WORDS = _merge(1)


def _lookup(token: str, words: Mapping[str, dict[str, float]]) -> dict[str, float] | None:
    """Family weights of a token, forgiving SMS letter-stretching ("nahiii", "plzzz", "haaan"); None if unknown."""
    found = words.get(token)
    if found is not None:
        return found
    for variant in (_REPEAT3_RE.sub(r"\1\1", token), _REPEAT2_RE.sub(r"\1", token)):
        if variant in words:
            return words[variant]
    return None


def _shape_hints(token: str) -> dict[str, float]:
    """Weak evidence from word shape, used only for words no lexicon knows (misspellings, unlisted verbs)."""
    hints: dict[str, float] = {}
    deva = _is_deva_token(token)
    if deva and _AVAGRAHA in token:  # कऽ, लऽ: short words, so checked before the length limit
        hints["mai"] = 2.0
    if len(token) < 4:
        return hints
    rules = _DEVA_SUFFIXES if deva else _LATN_SUFFIXES
    for suffix, family, weight in rules:
        if token.endswith(suffix):
            hints[family] = max(hints.get(family, 0.0), weight)
    if deva:
        for family, weight in _deva_stem_hints(token):
            hints[family] = max(hints.get(family, 0.0), weight)
    else:
        for infix, family, weight in _LATN_INFIXES:
            if infix in token:
                hints[family] = max(hints.get(family, 0.0), weight)
    return hints


def _deva_stem_hints(token: str) -> list[tuple[str, float]]:
    """Bhojpuri/Maithili stems: bare consonant + ल (लिखल) or + ब (करब); consonant + इ (कइसे, पइसा)."""
    hints = []
    if token[-2] in _DEVA_CONSONANTS:
        if token[-1] == "ल":
            hints.append(("bho", 1.0))
        elif token[-1] == "ब":
            hints += [("bho", 1.0), ("mai", 1.0)]
    if "इ" in token[1:] and any(a in _DEVA_CONSONANTS and b == "इ" for a, b in pairwise(token)):
        hints.append(("bho", 1.5))
    return hints


def _token_scores(token: str) -> dict[str, float]:
    """Per-family weight of one token, looked up in the lists of the token's own script."""
    found = _lookup(token, _DEVA_WORDS if _is_deva_token(token) else _LATN_WORDS)
    return found if found is not None else _shape_hints(token)


def _family_scores(tokens: list[str]) -> dict[str, float]:
    """Sum of marker weights per family over words and two-word phrases."""
    totals = dict.fromkeys(_FAMILY_LEXICONS, 0.0)
    for token in tokens:
        for family, weight in _token_scores(token).items():
            totals[family] += weight
    for pair in pairwise(tokens):
        phrase = _PHRASES.get(pair)
        if phrase:
            totals[phrase[0]] += phrase[1]
    if len(tokens) > 1:
        totals["bho"] += _EDGE_QUESTION_WEIGHT * ((tokens[0] in _EDGE_QUESTION) + (tokens[-1] in _EDGE_QUESTION))
    return totals


def _margin(best: float, second: float) -> float:
    """How far the winner is ahead of the runner-up, relative to the winner (1 = unopposed)."""
    return (best - second) / best if best > 0 else 0.0


def _evidence(amount: float) -> float:
    """Saturating 0..1 amount of evidence: one word is little, a sentence is plenty."""
    return 1.0 - math.exp(-amount / _EVIDENCE_SCALE)


def _pick_indic(scores: Mapping[str, float]) -> tuple[str, float]:
    """Hindi, Bhojpuri or Maithili from distinctive words only, with the margin over the runner-up."""
    ranked = sorted(_INDIC_LANGUAGES, key=lambda lang: (-scores[lang], _INDIC_LANGUAGES.index(lang)))
    best, second = scores[ranked[0]], scores[ranked[1]]
    if best <= 0:
        return "hi", _UNSURE_WHICH_INDIC
    return ranked[0], _margin(best, second)


def _detect_devanagari(scores: dict[str, float]) -> Detection:
    """Devanagari is Hindi, Bhojpuri or Maithili; English words inside it do not matter (the writer reads Deva)."""
    scores = {**scores, "hi": scores["hi"] + _DEVA_PRIOR}
    language, margin = _pick_indic(scores)
    return Detection(language, "Deva", round(margin * _evidence(scores[language] + scores["indic"]), 3))


def _detect_latin(scores: dict[str, float]) -> Detection:
    """Latin text: first English vs an Indian language, then which Indian language."""
    indic = scores["indic"] + sum(scores[lang] for lang in _INDIC_LANGUAGES)
    english = scores["en"]
    if english <= 0 and indic <= 0:
        return Detection(None, "Latn", 0.0)
    if english > indic:
        return Detection("en", "Latn", round(_margin(english, indic) * _evidence(english), 3))
    language, margin = _pick_indic(scores)
    confidence = _margin(indic, english) * margin * _evidence(indic)
    return Detection("hi-Latn" if language == "hi" else language, "Latn", round(confidence, 3))


def detect_language(text: str) -> Detection:
    """Detect the language and script of one user message.

    Text without letters ("1", "२", "👍", "...") and Latin text without any marker ("ok", "Jaipur") give
    language None. Bhojpuri and Maithili win only on their own distinctive words, because they share most
    vocabulary with Hindi; the same words decide between them (ties go to Hindi, then Bhojpuri).
    """
    script = _script_of(text or "")
    if script == "none":
        return Detection(None, "none", 0.0)
    tokens = _tokens(text)
    scores = _family_scores(tokens)
    detection = _detect_devanagari(scores) if script == "Deva" else _detect_latin(scores)
    if tokens and all(t in _PHATIC for t in tokens) and detection.confidence > _PHATIC_CAP:
        return Detection(detection.language, detection.script, _PHATIC_CAP)
    return detection


def reply_language(detected: str | None, script: str | None = None) -> str | None:
    """The language we answer in for a detected language; None when nothing was detected (keep the current one).

    Maithili writers get Hindi in the script they used, never English: Hindi is the closest language we write.
    Bhojpuri gets Bhojpuri (Devanagari) whichever script it came in. Unknown codes give None.
    """
    if detected == "mai":
        return "hi-Latn" if script == "Latn" else "hi"
    return detected if detected in REPLY_LANGUAGES else None


# --------------------------------------------------------------------------------------------------------------
# Explicit requests ("Hindi mein baat karo") and the language menu
# --------------------------------------------------------------------------------------------------------------

_LANGUAGE_NAMES: dict[str, str] = {
    **dict.fromkeys(_words(
        "english englis engish inglish englsh eng angrezi angreji angrezee angrejee angregi angrazi "
        "अंग्रेजी अंगरेजी अंग्रेज़ी इंग्लिश इंगलिश"), "en"),
    **dict.fromkeys(_words("hindi hindee hindhi hindi हिंदी हिन्दी हिंन्दी"), "hi"),
    **dict.fromkeys(_words("devanagari devnagari devanagri devnagri nagari देवनागरी नागरी"), "deva"),
    **dict.fromkeys(_words("hinglish hinglis roman रोमन हिंग्लिश"), "roman"),
    **dict.fromkeys(_words("bhojpuri bhojpui bojpuri bhojapuri bhojpury भोजपुरी भोजपूरी"), "bho"),
    **dict.fromkeys(_words("maithili maithli mathili maithil मैथिली मैथिलि"), "mai"),
}

# "in X", "X me/mein/में": the name is the language to talk in.
_PREPOSITIONS_BEFORE = frozenset({"in"})
_POSTPOSITIONS_AFTER = frozenset(_words("me mein mai mei mien mein में मे मैं मा माँ में"))
# Verbs/nouns that make a named language a request wherever they sit in a short message.
_REQUEST_WORDS = frozenset(_words("""
    please pls plz plzz bolo boliye bolie boliyega bolna baat karo kariye kijiye karen kare likho likhiye likhe
    likhna likhiyega reply talk speak write language bhasha bhasa lipi switch change badlo badal chahiye chaiye
    samjhao samjhaiye samjha samjhana bataiye batao message msg type chat aata aati samajh samajhta samajhti
    bhejo bhejiye bhejna sms jawab
    भाषा बदलो बदलिए बदलें बोलो बोलिए बोलिये बोलें लिखो लिखिए लिखिये लिखें बात करो करें कीजिए चाहिए समझाइए बताइए
    बोलीं बोलल बतिआईं लिखीं आती आता समझ समझता समझती भेजिए भेजो जवाब
"""))
_SCRIPT_WORDS = frozenset(_words("""
    letter letters alphabet alphabets abc script lipi akshar font typing type keyboard लिपि अक्षर
"""))
# Hindi-order negation follows the name ("english nahi"); English-order negation precedes it ("not english").
_NEGATION_AFTER = frozenset(_words("nahi nahin nhi mat na nai नहीं नही मत ना नइखे"))
_NEGATION_BEFORE = frozenset({"not", "no", "dont", "never", "without"})
# Short messages made only of a name plus these are requests too ("English!", "hindi ji", "ok hindi").
_FILLERS = frozenset(_words("ok okay ji sir madam mam haan ha yes bhai jee only sirf bas me"))
_MAX_FILLER_TOKENS = 3
# "in Hindi" needs no verb in a short message; in a long one it is probably about something else.
_MAX_MARKED_TOKENS = 6
_REQUEST_WINDOW = 3
# Schooling and knowledge talk: "beta english medium me padhta hai", "english me fail ho gaya".
_MENTION_WORDS = frozenset(_words("""
    padh padhta padhti padhte padhai padhna parhai parhta medium school class subject fail pass kamzor marks
    teacher exam paper tuition newspaper akhbar film gaana song movie studies study studying studied learn
    learning पढ़ता पढ़ती पढ़ाई पढ़ना मीडियम स्कूल कक्षा विषय फेल पास कमजोर टीचर परीक्षा
"""))


def _named_languages(tokens: list[str]) -> list[tuple[int, str]]:
    """(position, name kind) for every language name in the message."""
    return [(i, _LANGUAGE_NAMES[t]) for i, t in enumerate(tokens) if t in _LANGUAGE_NAMES]


def _is_negated(tokens: list[str], i: int) -> bool:
    """"english nahi aati" / "english me mat" / "not (in) english": the name is what the person does NOT want."""
    after = tokens[i + 1:i + 3]
    before = tokens[max(0, i - 2):i]
    if before and before[-1] in _PREPOSITIONS_BEFORE:
        before = before[:-1]
    return any(t in _NEGATION_AFTER for t in after) or (bool(before) and before[-1] in _NEGATION_BEFORE)


def _is_marked(tokens: list[str], i: int) -> bool:
    """The name carries a "talk in this language" marker right next to it ("in English", "हिंदी में")."""
    prev = tokens[i - 1] if i > 0 else ""
    nxt = tokens[i + 1:i + 3]
    return prev in _PREPOSITIONS_BEFORE or (bool(nxt) and nxt[0] in _POSTPOSITIONS_AFTER) or (
        len(nxt) == 2 and nxt[0] in _LANGUAGE_NAMES and nxt[1] in _POSTPOSITIONS_AFTER)


def _is_request(tokens: list[str], names: list[tuple[int, str]]) -> bool:
    """A language name counts only in a request, so "mera beta english medium school me hai" is not a switch.

    Requests are short ("English please", "हिंदी में"), or have a request word near the name ("Hindi mein baat
    karo"). Talk about schooling ("english me kamzor hai") is a mention unless a request word is also present.
    """
    has_request_word = any(t in _REQUEST_WORDS for t in tokens)
    if not has_request_word and any(t in _MENTION_WORDS for t in tokens):
        return False
    for i, _ in names:
        window = tokens[max(0, i - _REQUEST_WINDOW):i + _REQUEST_WINDOW + 1]
        if any(t in _REQUEST_WORDS for t in window):
            return True
    if any(_is_marked(tokens, i) for i, _ in names) and len(tokens) <= _MAX_MARKED_TOKENS:
        return True
    others = [t for t in tokens if t not in _LANGUAGE_NAMES and t not in _SCRIPT_WORDS]
    return len(others) <= _MAX_FILLER_TOKENS and all(t in _FILLERS for t in others)


def _wants_roman_hindi(tokens: list[str], kinds: set[str]) -> bool:
    """Roman Hindi: "roman hindi", "hinglish", or Hindi in English letters ("english letters me hindi")."""
    if "roman" in kinds:
        return True
    return {"hi", "en"} <= kinds and any(t in _SCRIPT_WORDS for t in tokens)


def _resolve(kind: str) -> str:
    """Name kind -> reply language. We do not write Maithili: Hindi is the closest language we write."""
    return {"deva": "hi", "roman": "hi-Latn", "mai": "hi"}.get(kind, kind)


def requested_language(text: str) -> str | None:
    """The reply language the person explicitly asks for ("Hindi mein baat karo", "in English please",
    "भोजपुरी में", "roman hindi"), or None when the message names no language or only mentions one in passing.

    This runs on every message and an answer locks the reply language, so it is deliberately conservative.
    """
    tokens = _tokens(text or "")
    names = _named_languages(tokens)
    if not names or not _is_request(tokens, names):
        return None
    wanted = [(i, kind) for i, kind in names if not _is_negated(tokens, i)]
    if not wanted:
        return None
    kinds = {kind for _, kind in wanted}
    if _wants_roman_hindi(tokens, kinds):
        return "hi-Latn"
    if len(kinds) > 1:  # "bhojpuri devanagari me": the language decides, the script word only confirms it
        wanted = [(i, kind) for i, kind in wanted if kind != "deva"]
    marked = [kind for i, kind in wanted if _is_marked(tokens, i)]
    return _resolve((marked or [kind for _, kind in wanted])[-1])


_MENU_FILLERS = frozenset(_words("""
    option opt no number num nambar nomber नंबर नम्बर reply press choice select choose विकल्प
"""))
_MENU_NUMBER_WORDS: dict[str, int] = {
    "one": 1, "ek": 1, "एक": 1,
    "two": 2, "do": 2, "दो": 2,
    "three": 3, "teen": 3, "tin": 3, "तीन": 3,
    "four": 4, "char": 4, "chaar": 4, "चार": 4,
}
_MENU_TOKEN_RE = re.compile(r"[\u0900-\u0963\u0971-\u097f]+|[a-z\u00e0-\u024f]+|\d+")


def _menu_number(token: str) -> int | None:
    """A single digit in any script ("2", "२") or a number word ("do", "दो")."""
    if len(token) == 1 and token.isdecimal():
        return unicodedata.decimal(token)
    return _MENU_NUMBER_WORDS.get(token)


def language_from_menu_choice(text: str) -> str | None:
    """The language picked from the menu "1 English, 2 हिंदी, 3 Hindi (Roman), 4 भोजपुरी", or None.

    Accepts "2", "२", " 2. ", "option 2", "नंबर 2", "do", and the number followed by its own label ("4 भोजपुरी").
    Anything else (a sentence, "12", "5") is not a menu choice.
    """
    tokens = [t for t in _MENU_TOKEN_RE.findall(_normalise(text or "")) if t not in _MENU_FILLERS]
    if not tokens:
        return None
    number = _menu_number(tokens[0])
    if number is None or not 1 <= number <= len(LANGUAGE_MENU):
        return None
    choice = LANGUAGE_MENU[number - 1]
    if len(tokens) > 1 and _label_language(tokens[1:]) != choice:
        return None
    return choice


def _label_language(tokens: list[str]) -> str | None:
    """Which menu label the words after the number repeat ("हिंदी", "Hindi (Roman)", "english")."""
    kinds = {_LANGUAGE_NAMES.get(t) for t in tokens}
    if None in kinds or not kinds:
        return None
    if "roman" in kinds:
        return "hi-Latn"
    return _resolve(kinds.pop()) if len(kinds) == 1 else None
