"""Reading the details of a report (recruitment tip-off, missing child, emergency) out of one free-text message.

The report form asks for one field at a time, but people answer several at once ("Gaya ke Rampur gaon se 3 bachche,
12-14 saal, kal Jaipur le ja rahe hain train 12394 se"), say they do not know ("pata nahi", "नै जानै छी"), want to
stop ("rehne do", "रुको") or correct an earlier answer ("galat, district Nawada hai"). `read_intake` returns what one
message says, given the field the assistant asked for last:

- the asked free-text field (place, what, transport, agent, children) is the whole message, whitespace-collapsed;
- from every message it also picks up what is unambiguous: a Bihar district where it happens, a destination (a place
  outside Bihar, or any place after "le ja rahe"/"to"/"भेज"), children counts and ages, train numbers and vehicles,
  and an agent's mobile number (only next to agent words, or when the agent was asked).

Everything is conservative: a district only comes from the gazetteer, a phone number only from ten digits that look
like an Indian mobile, and a number is never read as a district. Pure functions: no I/O, nothing stored or logged.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

from bot.gazetteer import DistrictMatch, load_gazetteer, normalise

FIELDS = ("district", "place", "what", "children", "destination", "transport", "agent", "contact")
UNKNOWN = "unknown"  # the person said they do not know / skip
KINDS = ("recruitment", "missing", "emergency")
CONTACT_CHOICES = {1: "share", 2: "callback", 3: "anonymous"}
MAX_ANSWER_CHARS = 500
FREE_TEXT_FIELDS = ("place", "what", "transport", "agent")  # plus "children" -> children_text

MAX_COUNT = 99  # "100"/"112" are police numbers, not a number of children
MAX_AGE = 25  # "2 saal" is an age only in an age context; older "children" are not a report's children
TRAIN_DIGITS = 5  # Indian train numbers have five digits
DESCRIPTION_MIN_TOKENS = 4  # a first message shorter than this is a request, not a description
DESCRIPTION_MIN_CONTENT = 2  # ... and so is one with fewer words that are not "report/shikayat/dalal/..."
SHORT_ANSWER_TOKENS = 2  # a bare answer ("nawda") may be looked up fuzzily in the gazetteer


@dataclass(frozen=True)
class Children:
    """How many children and which ages were given (either may be missing)."""

    count: int | None
    ages: tuple[int, ...]


@dataclass(frozen=True)
class Intake:
    """What one message says about a report. Only fields found in this message are set."""

    district: str | None = None  # gazetteer district name (District.name), or UNKNOWN
    district_state: str | None = None  # e.g. "Bihar" / "Rajasthan" for the matched district
    place: str | None = None  # free text or UNKNOWN
    what: str | None = None  # free text or UNKNOWN
    children: Children | None = None
    children_text: str | None = None  # the free-text answer to the children question, or UNKNOWN
    destination: str | None = None  # gazetteer district name, else free text (e.g. "Delhi", "Surat"), or UNKNOWN
    transport: str | None = None  # free text or UNKNOWN
    train_number: str | None = None  # 5 digits when a train number is given
    agent: str | None = None  # free text or UNKNOWN
    agent_phone: str | None = None  # "+91XXXXXXXXXX", only for the agent's number
    contact: str | None = None  # "share" | "callback" | "anonymous"
    stop: bool = False  # the person wants to stop the report
    correction: bool = False  # the message corrects an earlier answer (fields set here overwrite)
    unreadable: bool = False  # the asked field could not be read from the message


# ------------------------------------------------------------------------------------------------ word lists
# Every list is written naturally and compared in the gazetteer's normal form (lower case, nukta and chandrabindu
# folded, doubled Latin letters collapsed: "bachchee" == "bachche", "pataa" == "pata", "chhodo" == "chodo").


def _keys(words: str) -> frozenset[str]:
    return frozenset(normalise(w) for w in words.split())


_PhraseIndex = dict[str, tuple[tuple[str, ...], ...]]


def _phrases(lines: str) -> _PhraseIndex:
    """Phrases separated by "|" (or new lines), as normalised word tuples indexed by their first word."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in re.split(r"[|\n]", lines):
        words = tuple(normalise(w) for w in phrase.replace("'", "").split())
        if words:
            index.setdefault(words[0], []).append(words)
    return {first: tuple(sorted(set(group), key=len, reverse=True)) for first, group in index.items()}


_NEG = _keys("nahi nahin nhi nahii nai ni na nahy नहीं नही ना नै नहि नइखे naikhe not no never nope dont mat मत")
_NEG_AFTER_VALUE = _keys("nahi nahin nhi nai ni na नहीं नही ना नै नहि not")

# Polite words, pronouns and particles that carry nothing: "mujhe to pata nahi ji".
_FILLERS = _keys(
    """ji jee sir sar madam mam maam bhai bhaiya bhaiyya didi bhaisahab yaar please plz pls kripya ok okay acha
    accha achha abhi ab bas to toh bhi hi hai h he hain ho tha thi the hoga hogi ba bani baa chhi achhi chhai chhe
    i we me my mujhe muje mujhko hume humko hamko hamein hamen main mai mein hum ham hamra hamar hamara humara mera
    mere meri is isko ise iska ye yah yeh woh wo vo ka ki ke ko se sa re sorry really exactly sach thik theek
    kuch kuchh kichhu koi koyi about it its that this the a an of so just
    जी सर मैडम भाई भैया दीदी यार प्लीज कृपया ओके अच्छा अभी अब बस तो भी ही है हैं हो था थी थे होगा होगी बा बानी
    छी अछि छै मैं मुझे मुझको हमें हमको हम हमरा हमार हमारा मेरा मेरे मेरी हमर इसको इसे ये यह वो वह का की के को से
    सँ में मे रे सच ठीक कुछ किछु कोई"""
)
# Words naming what is not known: "dalal ka naam pata nahi" is still "I don't know".
_FIELD_NOUNS = _keys(
    """naam name number nambar nomber no phone mobile agent dalal dalaal thekedar aadmi admi uska uski uske unka
    unki okar okra gaon gao village jagah place block umar umra age ages kitne kitna kaun kaunsa kahan kaha kahaan
    kab jila district date time samay din kaise bachche bachchon children how many where when who which detail
    details jankari jaankari baare bare me mein sahi pakka kya hua hui le ja jaa gaye gaya gayi gail gel rahe raha
    kaunsi si wala wali सही पक्का क्या हुआ हुई ले जा गए गया गई रहे रहा कौनसी सी वाला वाली
    नाम नंबर नम्बर फोन मोबाइल दलाल ठेकेदार आदमी उसका उसकी उसके उनका
    ओकर ओकरा गांव गाँव गाम जगह उम्र उमर कितने कितना कौन कहां कहाँ कब जिला दिन कैसे बच्चे बच्चों जानकारी बारे"""
)
_DONT_KNOW = _phrases(
    """pata nahi|pata nahin|pata nhi|pta nahi|pta nhi|pata nai|pata na|pata nahi hai|nahi pata|nhi pata|nahin pata
    nai pata|na pata|pata naikhe|pata ni|pta ni|ni pata|malum ni|maloom ni
    malum nahi|maloom nahi|maalum nahi|malum nhi|nahi malum|nahi maloom|malum na
    पता नहीं|नहीं पता|पता नही|नही पता|पता ना|ना पता|पता नै|नै पता|पता नहि|नहि पता|पता नइखे
    मालूम नहीं|नहीं मालूम|मालूम नही|ना मालूम|मालूम ना|ज्ञात नहीं|अज्ञात
    dont know|do not know|dont knw|dnt know|dnt knw|dont kno|dont no|i dnt know
    idk|dunno|no idea|not known|not sure|not aware|unknown
    no information|no info|nahi jaante|nahi janta|nahi janti|nahi jante|jaante nahi|janta nahi|janti nahi
    नहीं जानते|नहीं जानता|नहीं जानती|जानकारी नहीं|jankari nahi|jaankari nahi|kya pata|ka pata|क्या पता|का पता
    na jaanila|na janila|ना जानीं|ना जानी|ना जानीला|ना जानीले|na janile|नइखे जानत|naikhe janat|na janat bani
    ना जानत बानी|नइखे पता|naikhe pata|हमरा ना पता
    नै जानै छी|नै जनै छी|नहि जनैत छी|नहि जानैत छी|nai janai chhi|nai jaanai chhi|nahi janait chhi|nai janai chi
    नहि बुझल|nahi bujhal|nai bujhal|बुझल नहि|नै बुझल|नै जानि|nai jani
    yaad nahi|याद नहीं|nahi yaad|yaad na|yaad nai|याद नै|याद नहि|dont remember|not remember|cant remember
    skip|skip karo|skip it|aage badho|next|pass|n/a|na hai|nil|none|nothing
    kuch nahi|कुछ नहीं|kuchh nahi|kichhu nahi|किछु नहि|किछु नै|kuch na|कुछ ना|koi nahi|कोई नहीं"""
)
# A whole message that is just a "no" also means "nothing to tell" for a free-text question.
_BARE_NO = _keys("no nahi nahin nhi na nai ni nope ना नहीं नही नै नहि")
_PLACEHOLDER = re.compile(r"^[\s\-_.?!…/\\x×]*$")  # "-", "--", "?", "...", "x"

_STOP = _phrases(
    """stop|stop it|cancel|cancel karo|cancel it|quit|exit|end|band karo|band kar do|band kijiye|band karie
    बंद करो|बंद कर दो|बंद कीजिए|rehne do|rahne do|rehne dijiye|rahne dijiye|rehne de|रहने दो|रहने दीजिए|रहने दें
    chhodo|chhod do|chhodiye|chhod dijiye|छोड़ो|छोड़ दो|छोड़िए|छोड़ दीजिए|ruko|ruk jao|रुको|रुक जाओ|रुकिए
    nahi batana|nahi batana hai|नहीं बताना|mat pucho|mat puchho|मत पूछो|report nahi karna|nahi karna|nahi karni
    leave it|forget it|never mind|nevermind|dont want|no more|enough|bas karo|बस करो
    rahe di|rahe da|rahe dih|रहे दीं|रहे द|chhod di|chhodi|छोड़ दीं|छोड़ीं|band kari|बंद करीं|na bataib|ना बताइब
    mat puchhi|मत पूछीं|ruki|रुकीं|rahay diyau|rahay diya|रहय दिय|रहऽ दिय|chhodu|छोड़ू|छोड़ि दिय|band karu|बंद करू
    nahi kahab|नहि कहब|nai kahab|नै कहब|नहि बताएब|ruku|रुकू"""
)
_STOP_FILLERS = _FILLERS | _NEG | _keys(
    """report shikayat complaint form baat sab isko ise it this all now want do karna karni karo kar sms message msg
    messages thanks thank thankyou dhanyavad dhanyawad shukriya aur more anymore please
    रिपोर्ट शिकायत बात सब करना करनी करो मैसेज धन्यवाद शुक्रिया और"""
)
# "X nahi bataunga": a refusal to give one detail is a skip of that question, not a stop of the report.
_REFUSE = _phrases(
    """nahi batana|nahi bataunga|nahi batayenge|nahi bataungi|nahi bata sakta|nahi bata sakti|nahi bata sakte
    नहीं बताना|नहीं बताऊंगा|नहीं बताएंगे|नहीं बता सकते|नहीं बता सकता|नहीं बता सकती|mat pucho|मत पूछो
    dont want to say|rather not say|na bataib|ना बताइब|nai kahab|नहि कहब|नै कहब"""
)

_CORRECTION_CUES = _keys(
    """galat galt glt galath galti galati galtee wrong sorry sory soory sorri maaf maf correction actually actualy
    asal matlab bhul bhool oops badlo badal sudhar sudharo गलत गलती माफ असल मतलब भूल बदलो बदल सुधार सुधारो"""
)
_CORRECTION_PHRASES = _phrases("i mean|nahi nahi|no no|ना ना|नहीं नहीं")
_RIGHT = _keys("sahi correct सही")
_LEAD_SKIP = _CORRECTION_CUES | _NEG | _keys("ji sir bhai")  # "galat ji, ..." / "no, ..." before a corrected value

# Field nouns: which field a correction talks about ("galat, gaon Sonpur hai" -> place).
_DISTRICT_NOUNS = _keys("jila jilla zila zilla jile zile district dist जिला जिले जिल्ला जनपद")
_PLACE_NOUNS = _keys(
    """gaon gao gaaon gav gaanv gam gaam village vill tola tole tol block prakhand panchayat thana mohalla ward
    गांव गाँव गाम टोला टोले टोल ब्लॉक प्रखंड पंचायत थाना मोहल्ला"""
)
_CHILD_GENERIC = _keys(
    """bachche bachcha bachchi bachchiyan bachchon bacche baccha bache bacha bacho bachon bachhe bachha bachay bchche
    bache bacchi bacchon bachcho children child kids kid students minors balak balika laikan laikin dhiya
    बच्चे बच्चा बच्चों बच्ची बच्चियां बच्चियाँ बच्चन बचवा लइकन धिया बालक बालिका नाबालिग"""
)
_CHILD_GENDERED = _keys(
    """ladke ladka ladki ladkiyan ladkiya ladko ladkon larke larka larki larkiyan laiki boys boy girls girl sons son
    daughters daughter beta bete beti betiyan laika chhaunda chhauda लड़के लड़का लड़की लड़कियां लड़कियाँ लड़कों लइका
    लइकी लइकिन छौंड़ा छौड़ा बेटा बेटे बेटी"""
)
_CHILD_NOUNS = _CHILD_GENERIC | _CHILD_GENDERED
_COUNT_BETWEEN = _keys(
    """go ta tho gota chhote chote chhota chhoti choti chhot chhotka small little young minor nabalig masoom nanhe
    other more गो टा ठो गोटा छोटे छोटा छोटी छोट छोटका नाबालिग मासूम नन्हे"""
)
_AGE_UNITS = _keys("saal sal sāl baras baras baris barakh barkh varsh years year yrs yr y.o साल बरस बरिस बरख बरखक वर्ष")
_AGE_CUES = _keys("umar umra umr umer umir age ages aged ayu उमर उम्र उमिर आयु")
_AGE_CUE_SKIP = _keys(
    """lagbhag karib kareeb about approx around takriban is hai ki ka ke hogi hoga hain between of
    लगभग करीब है की का के होगी होगा हैं"""
)
_AGE_CONNECTORS = _keys("aur and ya or se to va & और या से आ व एवं तक")
_COUNT_ONLY_WORDS = _keys("dono both दोनों दोनो ego ekgo ekta एगो एकटा")
_HE_SHE = _keys("he she wo woh vo वो वह ऊ")
_NOT_AGE_AFTER = _keys(
    """pehle pahle pehele pahile pahine ago back baad bad se sa san tak bhar purana pehale
    पहले पहिले पहिने बाद से सँ तक भर"""
)
_NOT_AGE_BEFORE = _keys("pichhle pichle pichhla pichla last past for har agle next is iss पिछले पिछला पछिला हर अगले इस")
_NOT_COUNT_AFTER = _keys(
    """din mahine mahina month months days day hafte hafta week weeks ghante hours baje saal sal year years rs
    rupaye rupay rupees hazar hajar दिन महीने महीना हफ्ते घंटे बजे साल रुपये हजार"""
)

# Number words (compared without collapsing doubled letters: "teen" is 3, "ten" is 10).
_NUMBER_WORDS: dict[str, int] = {}
for _value, _words in {
    1: "ek one ego ekgo ekta एक एगो एकटा",
    2: "do two du dui duu dono both दो दू दुइ दोनों दोनो",
    3: "teen tin three tini तीन तीनि",
    4: "char chaar four chari चार चारि",
    5: "panch paanch pach five पांच पाँच पाच",
    6: "chhe chhah chah chhav six छह छः छौ छव",
    7: "saat sat seven सात",
    8: "aath ath eight आठ",
    9: "nau nine नौ",
    10: "das dus ten दस",
    11: "gyarah gyara eleven ग्यारह",
    12: "barah baarah twelve बारह",
    13: "terah thirteen तेरह",
    14: "chaudah chauda fourteen चौदह",
    15: "pandrah pandra fifteen पंद्रह पन्द्रह",
    16: "solah sola sixteen सोलह",
    17: "satrah satra seventeen सत्रह",
    18: "atharah athara eighteen अठारह",
    19: "unnis nineteen उन्नीस",
    20: "bees bis twenty बीस",
}.items():
    for _word in _words.split():
        _NUMBER_WORDS[unicodedata.normalize("NFC", _word).replace("\u093c", "").replace("\u0901", "\u0902")] = _value

# Transport: word -> label. "bas"/"बस" is also "enough/just": only with "se/me/stand/adda" after it.
_TRANSPORT: dict[str, str] = {}
for _label, _words in {
    "train": "train tren tran trn trains rail relgadi railgadi express exp dibba dibbe dabba ट्रेन ट्रैन टरेन रेल "
    "रेलगाड़ी एक्सप्रेस डिब्बा डिब्बे डब्बा",
    "gaadi": "gaadi gadi gari gaari gadiya गाड़ी गाडी",
    "bus": "bus buss",
    "truck": "truck trak ट्रक",
    "Bolero": "bolero बोलेरो",
    "Scorpio": "scorpio स्कॉर्पियो",
    "Sumo": "sumo सूमो",
    "jeep": "jeep jip जीप",
    "van": "van वैन",
    "tempo": "tempo टेम्पो टेंपो",
    "auto": "auto ऑटो",
    "car": "car कार",
    "taxi": "taxi टैक्सी",
    "pickup": "pickup पिकअप",
    "bike": "bike motorcycle बाइक",
}.items():
    for _word in _words.split():
        _TRANSPORT[normalise(_word)] = _label
_BAS = _keys("bas बस")
_BAS_CUE_AFTER = _keys("se से me mein में मे pe par पर stand स्टैंड adda अड्डा sa सँ ke")
_TRAIN_CUES = _keys(
    """train tren tran trn rail gadi gaadi gari gaari express exp mail no number nambar ट्रेन ट्रैन टरेन रेल गाड़ी
    एक्सप्रेस मेल नंबर"""
)
_MONEY_AFTER = _keys("rs rupaye rupay rupees rupee hazar advance ka ki रुपये रुपया एडवांस")

# Agent and reporter words near a phone number.
_AGENT_CUES = _keys(
    """agent ajent agents dalal dalaal dallal dalalo dalalon thekedar thikedar theekedar thekedaar thekadar seth
    munshi bichauliya bichouliya middleman middlemen broker trafficker taskar recruiter contractor aadmi admi man
    person aurat woman एजेंट दलाल दलल ठेकेदार ठीकेदार सेठ मुंशी मुंसी बिचौलिया तस्कर आदमी औरत"""
)
_HIS = _keys("uska uski uske unka unki unke his her their okar okra ओकर ओकरा उसका उसकी उसके उनका उनकी उनके")
_REPORTER_CUES = _keys(
    """mera mere meri mero my mine mujhe mujhse mujhko muje hamara humara hamar hamra hamro hamre hamaar hume
    humein hamko humko hamse apna apne main i मेरा मेरे मेरी मुझे मुझसे हमारा हमार हमरा हमर हमें हमको हमसे अपना
    मैं"""
)
_THIS = _keys("is isi this yahi yehi इस इसी यही")  # "is number pe call karo": the reporter's own number
_NUMBER_NOUNS = _keys("number nambar nomber no num mobile phone नंबर मोबाइल फोन")
_CALL_WORDS = _keys("call phone fon ring contact text msg reach कॉल फोन")

# Where the children are taken: cue words after a place ("Jaipur le ja rahe", "जयपुर भेज", "Patna gaya").
_DEST_AFTER = _keys(
    """le leke lekar lay ja jaa jane jaane jaenge jayenge jayega jayegi jaegi jaate jata jati jaati jaat jaye jaaye
    jebak jeba jaa chala chali chale gaya gaye gayi gai gail gel geli gelai pahuncha pahunche pahunchi pahucha
    pahuche pahunchaya bheja bheje bhejne bhejna bhejenge bhejega bhejta bhejte bhejela bhejat bhej pathbai pathebak
    pathaya taraf tak liye lel khatir
    ले लेके लेकर जा जाने जाएंगे जायेंगे जाएगा जाते जाता जात जाए जेबाक जेबा चला चली चले गया गए गये गई गइल गेल गेलि
    पहुंचा पहुंचे पहुंची भेजा भेजे भेजने भेजना भेजेंगे भेजता भेजते भेजेला भेज पठेबाक पठा पठाओल तरफ ओर तक लिए लेल खातिर"""
)
_DEST_SKIP = _keys(
    """ko ke ka me mein abhi kaam kam kaj karne sab sabko sabhi unko unhe inko inhe wale wali vali wala raat kal
    को के में मे अभी काम काज करने सब सबको उनको इनको उन्हें वाले वाली रात कल"""
)
_DEST_BEFORE = _keys("towards till upto into")
_DEST_BEFORE_VERBS = _keys("gaye gaya gayi bheja bheje pahuncha गए गया गई भेजा भेजे पहुंचा gail गइल gel गेल")
_ENGLISH_MOVE = _keys(
    """taking take taken took going go gone went sent send sending shifted moving bring brought carry carrying
    them him her us kids children boys girls child boy girl bound headed leaving left"""
)
_TO_FOR = _keys("to for")
_VERB_HOMONYMS = _keys("gaya गया")
_WALA = _keys("wali wale wala vali vale vala वाली वाले वाला")
_ORIGIN_AFTER = _keys("se से sa san सँ from")
_GENITIVE = _keys("ke ka ki k के का की")
_GENITIVE_DEST = _keys("liye लिए taraf तरफ or ओर lel लेल")

# Places the corridor leads to that are not districts of the gazetteer (canonical name; * = also an everyday word).
_OUTSIDE: dict[str, str] = {}
_OUTSIDE_AMBIGUOUS: set[str] = set()
for _name, _words in {
    "Delhi": "delhi dilli dehli दिल्ली",
    "Mumbai": "mumbai bombay bambai मुंबई मुम्बई बम्बई",
    "Surat": "*surat *सूरत",
    "Kolkata": "kolkata calcutta kolkatta कोलकाता कलकत्ता",
    "Punjab": "punjab पंजाब",
    "Ludhiana": "ludhiana लुधियाना",
    "Haryana": "haryana हरियाणा",
    "Gujarat": "gujarat गुजरात",
    "Ahmedabad": "ahmedabad अहमदाबाद",
    "Hyderabad": "hyderabad हैदराबाद",
    "Chennai": "chennai madras चेन्नई",
    "Bengaluru": "bangalore bengaluru banglore बेंगलुरु बैंगलोर",
    "Pune": "pune पुणे",
    "Noida": "noida नोएडा",
    "Gurugram": "gurgaon gurugram गुड़गांव गुरुग्राम",
    "Tiruppur": "tiruppur tirupur",
    "Kerala": "kerala केरल",
    "Rajasthan": "rajasthan राजस्थान",
    "Nepal": "nepal नेपाल",
}.items():
    for _word in _words.split():
        _key = normalise(_word.lstrip("*"))
        _OUTSIDE[_key] = _name
        if _word.startswith("*"):
            _OUTSIDE_AMBIGUOUS.add(_key)

# A first message that only asks to report ("report karna hai", "शिकायत करनी है") is not a description.
_REQUEST_WORDS = _FILLERS | _keys(
    """report reporting karna karni karne karo kar karwana karvana likhwana likhwani likhani darj register lodge file
    make give want wanna shikayat complaint complain suchna soochna khabar jankari jaankari deni dena dewe dewe info
    inform information tip tipoff chahta chahti chahte chahiye regarding related hello hi namaste pranam
    dalal agent thekedar taskar taskari trafficker trafficking bal shram majdoori labour labor missing gumshuda
    gumshudgi lapata emergency urgent help madad bachao jaldi turant khatir ke baare me
    रिपोर्ट शिकायत करनी करना करने दर्ज सूचना खबर जानकारी देनी देना देवे चाहता चाहती चाहिए नमस्ते प्रणाम दलाल एजेंट
    ठेकेदार तस्कर तस्करी बाल श्रम मजदूरी गुमशुदा गुमशुदगी लापता इमरजेंसी मदद बचाओ जल्दी तुरंत खातिर करबाक देबाक"""
) | _CHILD_GENERIC

# Contact consent.
_CONTACT_NUMBER_FILLERS = _keys(
    "option opt no number nambar nomber num reply press wala wali vala hai h ji sir please choice नंबर वाला जी"
)
_ANON_WORDS = _keys("gupt anonymous anonymus anonimous anon gumnaam gumnam secret gopniya गुप्त गुमनाम गोपनीय")
_NAME_WORDS = _keys("naam nam name नाम")
_SHARE_OBJECTS = _keys(
    "number nambar nomber mobile share ngo sanstha detail details kisi dusre शेयर एनजीओ संस्था नंबर मोबाइल किसी"
)
_ONLY_WORDS = _keys("sirf sirph only keval kewal khali matra सिर्फ केवल खाली मात्र")
_HELPLINE_WORDS = _keys("helpline हेल्पलाइन")
_ONLY_YOU = _phrases("sirf aap|aap hi|only you|aap log hi|sirf aapko|aapko hi|rauaa hi|अहीं|आप ही|सिर्फ आप")
_WANT_WORDS = _keys("want chahiye chahte chahta chahti चाहिए चाहते चाहता चाहती chahi चाहीं")
_YES_WORDS = _keys(
    """haan haa ha han hn ji jee yes yeah yep ok okay theek thik haanji bilkul sure share हाँ हां हा जी हँ ठीक
    बिल्कुल शेयर"""
)
_YES_PHRASES = _phrases(
    """de do|de dijiye|de dena|dedo|de dijie|de di|de dijiyega|दे दो|दे दीजिए|दे देना|दे दीं|दे दिहीं|dai diyau
    दऽ दियौ|दय दियौ|call karo|call kijiye|phone karo|call kar lena|कॉल करो|फोन करो|फोन करीं|call me"""
)

# Words never worth a second gazetteer look-up (they are not place names).
_COMMON_WORDS = (
    _FILLERS | _NEG | _CHILD_NOUNS | _DEST_AFTER | _DEST_SKIP | _AGENT_CUES | _PLACE_NOUNS | _DISTRICT_NOUNS
    | _AGE_UNITS | frozenset(_TRANSPORT) | _REQUEST_WORDS | _CORRECTION_CUES
)

_ABBREVIATIONS = frozenset({"no", "mob", "mo", "ph", "num", "tel", "mobile", "vill", "dist", "ps", "po", "exp"})
_SEPARATOR_CHARS = ".!?।॥;\n"
_TOKEN_RE = re.compile(r"\d+|(?:[^\W\d_]|[\u0900-\u0963\u0971-\u097f\u200c\u200d])+(?:['\u2019][^\W\d_]+)?")
_PHONE_RE = re.compile(r"(?<![\d+])(?:(?:\+|00)\s?91[\s-]?|91[\s-]?|0)?([6-9](?:[ .-]?\d){9})(?!\d)")
_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")


# ------------------------------------------------------------------------------------------------ tokens
@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    low: str  # lower case, nukta/chandrabindu folded, ASCII digits; doubled letters kept ("teen")
    key: str  # the gazetteer's normal form ("bachchee" -> "bachche", "chhodo" -> "chodo")
    breaks: bool  # a sentence ends right after this token
    comma: bool  # a comma follows
    dash: bool = False  # "-", "/" or "&" follows ("12-14")
    phone: bool = False  # part of a mobile number

    @property
    def number(self) -> int | None:
        if self.phone:
            return None
        if self.low.isdigit():
            return int(self.low)
        return _NUMBER_WORDS.get(self.low)


@functools.lru_cache(maxsize=4096)
def _fold(word: str) -> tuple[str, str]:
    """(low, key) of one raw token; cached, because the same few hundred words make up most messages."""
    text = unicodedata.normalize("NFC", word).translate(_DEVANAGARI_DIGITS).lower()
    text = text.replace("\u093c", "").replace("\u0901", "\u0902").replace("'", "").replace("\u2019", "")
    low = text.replace("\u200c", "").replace("\u200d", "")
    return low, (low if low.isdigit() else normalise(low))


def _tokenise(text: str, phone_spans: list[tuple[int, int]]) -> list[_Token]:
    found = list(_TOKEN_RE.finditer(text))
    tokens = []
    for i, m in enumerate(found):
        sep = text[m.end() : found[i + 1].start() if i + 1 < len(found) else len(text)]
        low, key = _fold(m.group())
        in_phone = any(a <= m.start() and m.end() <= b for a, b in phone_spans)
        # "no. 98765", "mob. 98765": an abbreviation's full stop does not end the sentence.
        stops = [c for c in sep if c in _SEPARATOR_CHARS]
        breaks = bool(stops) and not (stops == ["."] and low in _ABBREVIATIONS)
        dash = sep.strip() in ("-", "\u2013", "\u2014", "/", "&")
        tokens.append(_Token(m.start(), m.end(), low, key, breaks, "," in sep, dash, in_phone))
    return tokens


def _find_phrases(keys: list[str], phrases: _PhraseIndex) -> list[tuple[int, int]]:
    """(first, last) token spans of the phrases found, left to right, longest first, without overlaps."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(keys):
        for phrase in phrases.get(keys[i], ()):
            if tuple(keys[i : i + len(phrase)]) == phrase:
                spans.append((i, i + len(phrase)))
                i += len(phrase) - 1
                break
        i += 1
    return spans


def _only(keys: list[str], phrases: _PhraseIndex, allowed: frozenset[str]) -> bool:
    """True if the phrases occur and every other word is in `allowed`."""
    spans = _find_phrases(keys, phrases)
    if not spans:
        return False
    covered = {i for a, b in spans for i in range(a, b)}
    return all(i in covered or k in allowed for i, k in enumerate(keys))


def _collapse(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())[:MAX_ANSWER_CHARS]


def _keys_of(text: str) -> list[str]:
    return [t.key for t in _tokenise(text, [])]


_DONT_KNOW_ALLOWED = _FILLERS | _FIELD_NOUNS | _NEG
_FIELD_ONLY_NOUNS = _FIELD_NOUNS - _FILLERS
MAX_STOP_TOKENS = 8  # a stop is short; longer messages say something
MAX_DONT_KNOW_TOKENS = 10


def _dont_know(text: str, keys: list[str]) -> bool:
    if text.strip() and _PLACEHOLDER.match(text):
        return True
    if not keys or len(keys) > MAX_DONT_KNOW_TOKENS or any(k.isdigit() for k in keys):
        return False
    if all(k in _BARE_NO or k in _FILLERS for k in keys) and any(k in _BARE_NO for k in keys):
        return True
    if _only(keys, _DONT_KNOW, _DONT_KNOW_ALLOWED):
        return True
    # "dalal ka naam nahi bataunga": a refusal naming a detail skips that detail.
    return _only(keys, _REFUSE, _DONT_KNOW_ALLOWED) and any(k in _FIELD_ONLY_NOUNS for k in keys)


def _stop(keys: list[str]) -> bool:
    if not keys or len(keys) > MAX_STOP_TOKENS or any(k.isdigit() for k in keys):
        return False
    if _only(keys, _REFUSE, _STOP_FILLERS) and not any(k in _FIELD_ONLY_NOUNS for k in keys):
        return True
    return _only(keys, _STOP, _STOP_FILLERS)


# ------------------------------------------------------------------------------------------------ public helpers
def is_dont_know(text: str) -> bool:
    """True if the message only says "I don't know" / "skip" ("pata nahi", "नै जानै छी", "dalal ka naam nahi pata")."""
    return _dont_know(text or "", _keys_of(text or ""))


def is_stop(text: str) -> bool:
    """True if the person wants to stop the report ("stop", "rehne do", "रुको", "chhodo", "nahi batana").

    Only a message that is nothing but a stop phrase (and polite words) counts: "train roko" and "roko unko" are
    emergencies, "bachchon ko band kar diya" is not "band karo".
    """
    return _stop(_keys_of(text or ""))


# ------------------------------------------------------------------------------------------------ places
@dataclass(frozen=True)
class _Place:
    first: int
    last: int
    name: str  # district name or canonical outside place
    state: str | None  # None for places outside the gazetteer
    negated: bool
    destination: bool  # destination wording next to it
    origin: bool  # "X se": where it starts


def _token_range(tokens: list[_Token], match: DistrictMatch) -> tuple[int, int]:
    first = next(i for i, t in enumerate(tokens) if t.end > match.start)
    last = first
    while last < len(tokens) and tokens[last].start < match.end:
        last += 1
    return first, max(last, first + 1)


def _next(tokens: list[_Token], i: int) -> str | None:
    """Key of token i, if it is in the same sentence as token i - 1."""
    if 0 < i < len(tokens) and not tokens[i - 1].breaks:
        return tokens[i].key
    return None


_BEFORE_NEGATION = _ORIGIN_AFTER | _GENITIVE | _DISTRICT_NOUNS | _keys("me mein में hai है ba बा")


def _is_negated(tokens: list[_Token], first: int, last: int) -> bool:
    nxt, nxt2 = _next(tokens, last), _next(tokens, last + 1)
    if nxt in _NEG_AFTER_VALUE:
        return True
    if nxt2 in _NEG_AFTER_VALUE and nxt in _BEFORE_NEGATION:
        return True  # "Nawada se nahi", "गया जिला नहीं"
    return first > 0 and not tokens[first - 1].breaks and tokens[first - 1].key == "not"


def _is_destination(
    tokens: list[_Token], first: int, last: int, place_ends: set[int], place_tokens: set[int], after_only: bool = False
) -> bool:
    nxt = _next(tokens, last)
    if nxt in _ORIGIN_AFTER or nxt in _DISTRICT_NOUNS:
        return False
    if nxt in _GENITIVE:
        return _next(tokens, last + 1) in _GENITIVE_DEST  # "Jaipur ke liye"
    for i in range(last, min(last + 5, len(tokens))):
        if i > last and tokens[i - 1].breaks or i == last and tokens[last - 1].breaks:
            break
        key = tokens[i].key
        if key in _DEST_AFTER:
            return True
        if key in _WALA and (_next(tokens, i + 1) in _TRANSPORT or _next(tokens, i + 1) in _BAS):
            return True  # "Jaipur wali train", "पटना वाला बस"
        if key not in _DEST_SKIP and key not in _CHILD_NOUNS and tokens[i].number is None:
            break
    if after_only:
        return False
    if first > 0 and not tokens[first - 1].breaks:
        prev = tokens[first - 1].key
        if prev in _DEST_BEFORE:
            return True
        if prev in _DEST_BEFORE_VERBS and not tokens[first - 1].comma and first - 1 not in place_tokens:
            return True  # "le gaye Patna", but not "Gaya, Nawada"
        if prev in _TO_FOR and first > 1:
            before = tokens[first - 2].key
            return before in _ENGLISH_MOVE or before in _TRANSPORT or (first - 1) in place_ends
    return False


def _single_word_district(text: str, tok: _Token) -> tuple[str, str] | None:
    """The district a single word names when read as a place ("कोटा" -> Kota), never the verb "gaya"."""
    if tok.key in _VERB_HOMONYMS or tok.low.isdigit() or len(tok.key) < 3:
        return None
    for match in load_gazetteer().find(text[tok.start : tok.end], expecting_place=True):
        if match.score == 1.0:  # exact names only: "karmauli le gaye" is a village, not Karauli
            return match.district.name, match.district.state
    return None


def _find_places(text: str, tokens: list[_Token], expecting_place: bool, asked: str | None) -> list[_Place]:
    spans: list[tuple[int, int, str, str | None]] = []
    fuzzy: set[int] = set()  # first tokens of typo matches
    if tokens:
        for match in load_gazetteer().find(text, expecting_place=expecting_place):
            first, last = _token_range(tokens, match)
            if match.score < 1.0:
                if first > 0 and tokens[first - 1].key in _PLACE_NOUNS:
                    continue  # "gaon Karmauli" is a village, not a misspelt Karauli
                fuzzy.add(first)
            spans.append((first, last, match.district.name, match.district.state))
    taken = {i for a, b, _, _ in spans for i in range(a, b)}
    for i, tok in enumerate(tokens):
        if i not in taken and tok.key in _OUTSIDE:
            spans.append((i, i + 1, _OUTSIDE[tok.key], None))
    spans.sort()
    ends = {b for _, b, _, _ in spans}
    taken = {i for a, b, _, _ in spans for i in range(a, b)}
    places = []
    for first, last, name, state in spans:
        dest = _is_destination(tokens, first, last, ends, taken)
        if first in fuzzy and state != "Bihar" and asked != "district":
            continue  # "karmauli le gaye": a village a typo away from Karauli (a destination answer stays free text)
        if state is None and tokens[first].key in _OUTSIDE_AMBIGUOUS:
            if not (dest or len(tokens) == 1 or asked == "destination"):
                continue  # "uski surat" is his face, not Surat
        negated = _is_negated(tokens, first, last)
        places.append(_Place(first, last, name, state, negated, dest, _next(tokens, last) in _ORIGIN_AFTER))
    # Words the gazetteer reads as ordinary words in a sentence are still places in two spots: right before
    # destination wording ("बच्चों को कोटा ले जा रहे", Kota) and right before a "no" ("गया नहीं": a correction).
    for i, tok in enumerate(tokens):
        if i in taken or tok.number is not None:
            continue
        negated = asked is not None and _is_negated(tokens, i, i + 1)
        if negated and tok.key in _VERB_HOMONYMS:
            if not any(p.state for p in places):
                continue  # "school gaya nahi" is "did not go"; only "Nawada hai, Gaya nahi" is a place
            places.append(_Place(i, i + 1, "", None, True, False, False))  # "गया नहीं": which one does not matter
            continue
        if tok.key in _COMMON_WORDS:
            continue
        if not negated and not _is_destination(tokens, i, i + 1, ends, taken, after_only=True):
            continue
        found = _single_word_district(text, tok)
        if found:
            places.append(_Place(i, i + 1, found[0], found[1], negated, not negated, False))
    places.sort(key=lambda p: p.first)
    return places


# ------------------------------------------------------------------------------------------------ numbers
def _phone_spans(text: str) -> list[tuple[int, int, str]]:
    if sum(ch.isdigit() for ch in text) < 10:
        return []
    digits = text.translate(_DEVANAGARI_DIGITS)
    out = []
    for m in _PHONE_RE.finditer(digits):
        number = re.sub(r"\D", "", m.group(1))
        out.append((m.start(), m.end(), "+91" + number))
    return out


def _agent_phone(tokens: list[_Token], phones: list[tuple[int, int, str]], asked: str | None) -> str | None:
    has_agent_word = any(t.key in _AGENT_CUES for t in tokens)
    for start, end, number in phones:
        first = next((i for i, t in enumerate(tokens) if t.start >= start), len(tokens))
        last = next((i for i, t in enumerate(tokens) if t.start >= end), len(tokens))
        owner = None
        # The nearest owner word before the number wins: "dalal ka nahi pata, mera number 98..." is the reporter's.
        for i in range(first - 1, max(first - 7, -1), -1):
            tok = tokens[i]
            if tok.breaks:
                break  # "dalal aaya tha. 98765 43210 pe call karo" is not the dalal's number
            this_number = tok.key in _THIS and i + 1 < len(tokens) and tokens[i + 1].key in _NUMBER_NOUNS
            call_me = tok.key == "me" and i > 0 and tokens[i - 1].key in _CALL_WORDS  # Hindi "me" is "in"
            if tok.key in _REPORTER_CUES or this_number or call_me:
                owner = "reporter"
                break
            if tok.key in _AGENT_CUES or (tok.key in _HIS and (has_agent_word or asked == "agent")):
                owner = "agent"
                break
        if owner is None:  # "98765 43210 dalal ka number hai"
            for i in range(last, min(last + 3, len(tokens))):
                if tokens[i - 1].breaks:
                    break
                if tokens[i].key in _REPORTER_CUES:
                    owner = "reporter"
                    break
                if tokens[i].key in _AGENT_CUES:
                    owner = "agent"
                    break
        if owner == "agent" or (owner is None and asked == "agent"):
            return number
    return None


def _read_train_number(tokens: list[_Token], asked: str | None) -> str | None:
    for i, tok in enumerate(tokens):
        if tok.phone or not tok.low.isdigit() or len(tok.low) != TRAIN_DIGITS:
            continue
        nxt = _next(tokens, i + 1)
        if nxt in _NEG_AFTER_VALUE or nxt in _MONEY_AFTER:
            continue  # "12394 nahi, 12396" / "10000 rupaye"
        if i > 0 and not tokens[i - 1].breaks and tokens[i - 1].key in ("rs", "rupaye", "rupees"):
            continue  # "Rs 10000"
        window = range(max(0, i - 3), min(len(tokens), i + 4))
        if asked == "transport" or any(tokens[j].key in _TRAIN_CUES for j in window if j != i):
            return tok.low
    return None


def _read_transport_words(tokens: list[_Token]) -> list[str]:
    labels: list[str] = []
    for i, tok in enumerate(tokens):
        label = _TRANSPORT.get(tok.key)
        if label is None and tok.key in _BAS and _next(tokens, i + 1) in _BAS_CUE_AFTER:
            label = "bus"
        if label and label not in labels:
            labels.append(label)
    return labels


MAX_LOOSE_AGE_GAP = 6  # "12 13 saal" / "12, 14 saal" are one list; "3, 12 saal" is a count and an age


def _step(tokens: list[_Token], left: int, right: int) -> bool:
    """True if the numbers at `left` and `right` belong to one list ("12-14", "12 aur 14", "12, 13")."""
    a, b = tokens[left], tokens[right]
    if a.number is None or b.number is None or a.breaks:
        return False
    if right == left + 2:
        return tokens[left + 1].key in _AGE_CONNECTORS and not tokens[left + 1].breaks
    if a.dash:
        return True
    return abs(a.number - b.number) <= MAX_LOOSE_AGE_GAP and a.key not in _COUNT_ONLY_WORDS


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
    if value is None or not 1 <= value <= MAX_AGE or tok.key in _COUNT_ONLY_WORDS:
        return False
    return not tok.low.isdigit() or len(tok.low) <= 2


def _read_children(tokens: list[_Token], asked: str | None) -> Children | None:
    ages: list[int] = []
    used: set[int] = set()

    def take(indices: Iterable[int]) -> None:
        for i in indices:
            value = tokens[i].number
            if _is_age(value, tokens[i]) and value not in ages:
                ages.append(value)  # type: ignore[arg-type]
            used.add(i)

    for i, tok in enumerate(tokens):
        if tok.key in _AGE_UNITS and i > 0:
            group = _numbers_back(tokens, i - 1, used)
            if not group or not all(_is_age(tokens[j].number, tokens[j]) for j in group):
                continue
            if _next(tokens, i + 1) in _NOT_AGE_AFTER:
                continue  # "2 saal pehle", "5 saal se"
            before = min(group) - 1
            if before >= 0 and not tokens[before].breaks and tokens[before].key in _NOT_AGE_BEFORE:
                continue  # "pichhle 2 saal"
            take(sorted(group))
        elif tok.key in _AGE_CUES:
            j = i + 1
            while j < len(tokens) and tokens[j].key in _AGE_CUE_SKIP and not tokens[j - 1].breaks:
                j += 1
            group = _numbers_forward(tokens, j) if j < len(tokens) and not tokens[j - 1].breaks else []
            if group and all(_is_age(tokens[k].number, tokens[k]) for k in group):
                take(group)
        elif (
            tok.key in ("is", "hai", "है")
            and 0 < i < len(tokens) - 1
            and tokens[i - 1].key in _HE_SHE
            and _is_age(tokens[i + 1].number, tokens[i + 1])
            and _next(tokens, i + 2) not in _NOT_COUNT_AFTER
            and not tokens[i].breaks
        ):
            take([i + 1])  # "he is 13", "wo hai 12"
        elif (
            asked == "children"
            and tok.key in _GENITIVE
            and i > 0
            and _is_age(tokens[i - 1].number, tokens[i - 1])
            and i - 1 not in used
            and (i - 1 > 0 and tokens[i - 2].number is not None or i - 1 > 0 and tokens[i - 2].key in _AGE_CONNECTORS)
        ):
            take([i - 1])  # "ek 12 ka, ek 14 ka"

    generic = gendered = 0
    for i, tok in enumerate(tokens):
        value = tok.number
        if value is None or i in used or not 1 <= value <= MAX_COUNT:
            continue
        if _next(tokens, i + 1) in _NEG_AFTER_VALUE:
            continue  # "3 nahi, 4 bachche"
        j = i + 1
        while j < len(tokens) and j <= i + 2 and tokens[j].key in _COUNT_BETWEEN and not tokens[j - 1].breaks:
            j += 1
        noun = _next(tokens, j) if j > i else None
        if noun in _CHILD_NOUNS:
            used.add(i)
            if noun in _CHILD_GENERIC:
                generic += value
            else:
                gendered += value
    count: int | None = None
    if generic and gendered:
        count = generic if gendered <= generic else generic + gendered  # "5 bachche: 3 ladke 2 ladkiyan"
    else:
        count = generic or gendered or None
    if count is None:
        # "bachche: 3", "children 4"
        for i, tok in enumerate(tokens[:-1]):
            value = tokens[i + 1].number
            if (
                tok.key in _CHILD_NOUNS
                and not tok.breaks
                and value is not None
                and i + 1 not in used
                and 1 <= value <= MAX_COUNT
                and (i + 2 == len(tokens) or tokens[i + 1].breaks or tokens[i + 1].comma)
            ):
                count = value
                used.add(i + 1)
                break
    if count is None and asked == "children":
        # A bare number answering "how many children?": "3", "teen", "3, 12-14 saal", "sorry, 4".
        lead = [i for i, t in enumerate(tokens) if t.key not in _LEAD_SKIP and t.key not in _FILLERS]
        for i in lead[:1]:
            value = tokens[i].number
            if value is not None and i not in used and 1 <= value <= MAX_COUNT:
                nxt = tokens[i + 1] if i + 1 < len(tokens) else None
                if nxt is None or (nxt.key not in _NOT_COUNT_AFTER and (nxt.number is None or tokens[i].comma)):
                    count = value  # but not "ek 12 ka, ek 14 ka" (one is 12, one is 14)
    if count is None and not ages:
        return None
    return Children(count, tuple(ages))


# ------------------------------------------------------------------------------------------------ contact
def _read_contact(tokens: list[_Token]) -> str | None:
    tokens = [t for t in tokens if t.key not in _CORRECTION_CUES] or tokens  # "sorry, 2"
    keys = [t.key for t in tokens]
    numbers = [t.number for t in tokens if t.number is not None]
    others = [t for t in tokens if t.number is None and t.key not in _CONTACT_NUMBER_FILLERS]
    if len(numbers) == 1 and not others:
        return CONTACT_CHOICES.get(numbers[0])
    if len(numbers) == 1 and tokens[0].number is not None and (tokens[0].breaks or tokens[0].comma):
        return CONTACT_CHOICES.get(numbers[0])  # "2, sirf aap"
    words = set(keys)
    negated = bool(words & _NEG)
    if words & _ANON_WORDS or (words & _NAME_WORDS and negated):
        return "anonymous"
    if words & (_ONLY_WORDS | _HELPLINE_WORDS):
        return "callback"
    if _find_phrases(keys, _ONLY_YOU):
        return "callback"
    if negated and words & _SHARE_OBJECTS:
        return "callback"  # "number mat do", "NGO ko mat dena", "don't share"
    if negated and words & (_CALL_WORDS | _WANT_WORDS):
        return "anonymous"  # "call mat karo", "no I don't want"
    if words & _YES_WORDS or _find_phrases(keys, _YES_PHRASES):
        return "share"
    if words & _NEG and all(k in _NEG or k in _FILLERS for k in keys):
        return "anonymous"  # a bare "nahi" / "ना" / "नै"
    return None


# ------------------------------------------------------------------------------------------------ corrections
def _is_correction(tokens: list[_Token], places: list[_Place], asked: str | None) -> bool:
    if asked is None or not tokens:
        return False
    keys = [t.key for t in tokens]
    if any(k in _CORRECTION_CUES for k in keys) or _find_phrases(keys, _CORRECTION_PHRASES):
        return True
    if keys[0] in _RIGHT and len(keys) > 2 and keys[1] in (_DISTRICT_NOUNS | _PLACE_NOUNS | _CHILD_NOUNS):
        return True  # "sahi jila Nawada hai"
    if any(p.negated for p in places):
        return True  # "Nawada hai, Gaya nahi"
    if any(t.number is not None and _next(tokens, i + 1) in _NEG_AFTER_VALUE for i, t in enumerate(tokens)):
        return asked != "contact"  # "3 nahi 4 bachche"
    if asked != "contact" and keys[0] in _NEG and len(keys) > 1:
        # "no, Patna" / "nahi 4 bachche": a leading no followed by a value.
        second = tokens[1]
        return tokens[0].comma or tokens[0].breaks or second.number is not None or any(p.first == 1 for p in places)
    return False


def _strip_lead(text: str, tokens: list[_Token]) -> str:
    """The answer without a leading "galat,"/"sorry"/"no," (for corrected free-text answers)."""
    i = 0
    while i < len(tokens) - 1 and tokens[i].key in _LEAD_SKIP:
        i += 1
    return _collapse(text[tokens[i].start :]) if i else _collapse(text)


def _field_nouns(tokens: list[_Token]) -> set[str]:
    fields = set()
    for tok in tokens:
        if tok.key in _DISTRICT_NOUNS:
            fields.add("district")
        elif tok.key in _PLACE_NOUNS:
            fields.add("place")
        elif tok.key in _CHILD_NOUNS or tok.key in _AGE_CUES:
            fields.add("children")
        elif tok.key in _TRANSPORT:
            fields.add("transport")
        elif tok.key in _AGENT_CUES:
            fields.add("agent")
    return fields


# ------------------------------------------------------------------------------------------------ reading
def _is_description(tokens: list[_Token]) -> bool:
    if len(tokens) < DESCRIPTION_MIN_TOKENS:
        return False
    content = [t for t in tokens if t.key not in _REQUEST_WORDS]
    return len(content) >= DESCRIPTION_MIN_CONTENT


def _district_from_lookup(text: str, tokens: list[_Token]) -> tuple[str, str] | None:
    """A bare, slightly misspelt answer to "which district?" ("nawda"); only for Bihar, never for numbers."""
    if not 0 < len(tokens) <= SHORT_ANSWER_TOKENS or any(t.low.isdigit() or t.key in _OUTSIDE for t in tokens):
        return None
    if any(t.key in _FILLERS or t.key in _NEG or t.key in _PLACE_NOUNS for t in tokens):
        return None
    district = load_gazetteer().lookup(text)
    if district is None or district.state != "Bihar":
        return None  # a fuzzy near-miss outside Bihar ("barauni" ~ Baran) is more likely a wrong guess
    return district.name, district.state


def _read_district(out: dict[str, Any], text: str, tokens: list[_Token], live: list[_Place], asked: str | None) -> None:
    """A Bihar district where it happens (any gazetteer district when the district was asked for)."""
    for place in live:
        if place.state is None or place.destination:
            continue
        if place.state == "Bihar" or asked == "district":
            out["district"], out["district_state"] = place.name, place.state
            return
    if asked == "district" and not live:
        found = _district_from_lookup(text, tokens)
        if found:
            out["district"], out["district_state"] = found


def _read_destination(out: dict[str, Any], answer: str, live: list[_Place], asked: str | None) -> None:
    """A place with destination wording, else the first place outside Bihar.

    An answer to "where to?" may name any place, a Bihar district too ("Patna"), but not the origin ("Nawada se
    Jaipur"); an answer naming no known place is kept as free text ("kisi shahar me").
    """
    if asked == "destination":
        pool = [p for p in live if not p.origin] or live
        dest = next((p for p in pool if p.destination), None) or next(iter(pool), None)
        if dest is not None and dest.name == out.get("district"):
            del out["district"], out["district_state"]
    else:
        pool = [p for p in live if p.name != out.get("district")]
        dest = next((p for p in pool if p.destination), None) or next((p for p in pool if p.state != "Bihar"), None)
    if dest is not None:
        out["destination"] = dest.name
    elif asked == "destination":
        out["destination"] = answer


def _read_transport(out: dict[str, Any], tokens: list[_Token], asked: str | None) -> None:
    train = _read_train_number(tokens, asked)
    labels = _read_transport_words(tokens)
    if train:
        out["train_number"] = train
        labels = [f"train {train}"] + [x for x in labels if x not in ("train", "gaadi")]
    if labels:
        out["transport"] = ", ".join(labels)


def _answer_free_text(out: dict[str, Any], text: str, answer: str, tokens: list[_Token], asked: str, correction: bool):
    """The asked free-text field takes the whole message; a correction of another field does not answer it."""
    target = "children_text" if asked == "children" else asked
    if not correction:
        out[target] = answer
        return
    value = _strip_lead(text, tokens)
    found = {name for name in ("district", "destination", "children") if name in out}
    if "train_number" in out:
        found.add("transport")
    if "agent_phone" in out:
        found.add("agent")
    nouns = _field_nouns(tokens)
    if asked in found | nouns or not (found | nouns):
        out[target] = value  # "sorry, 4 bachche" after "how many children?", "nahi, kal nahi parso"
        return
    others = (nouns - found) & {"place", "children", "transport", "agent"}
    if len(others) == 1 and not found:  # "galat, gaon Sonpur hai" while the agent was asked
        other = others.pop()
        out["children_text" if other == "children" else other] = value


def read_intake(text: str, asked: str | None, kind: str) -> Intake:
    """What one message says about a report.

    `asked` is the field the assistant asked for last (None for the message that started the report); `kind` is
    "recruitment" | "missing" | "emergency" (all three are read the same way; the form decides what it needs).
    """
    if asked is not None and asked not in FIELDS:
        raise ValueError(f"unknown report field {asked!r}")
    if kind not in KINDS:
        raise ValueError(f"unknown report kind {kind!r}")
    text = unicodedata.normalize("NFC", text or "")
    answer = _collapse(text)
    if not answer:
        return Intake(unreadable=asked is not None)
    phones = _phone_spans(text)
    tokens = _tokenise(text, [(a, b) for a, b, _ in phones])
    keys = [t.key for t in tokens]
    if asked == "contact":
        # Before the stop check: "no, I don't want" answers the call-back question, it does not drop the report.
        contact = _read_contact(tokens)
        if contact is None and _stop(keys):
            return Intake(stop=True)
        correction = contact is not None and any(t.key in _CORRECTION_CUES for t in tokens)
        return Intake(contact=contact, unreadable=contact is None, correction=correction)
    if _stop(keys):
        return Intake(stop=True)
    if _dont_know(text, keys):
        if asked == "children":
            return Intake(children_text=UNKNOWN)
        return Intake(**{asked: UNKNOWN}) if asked else Intake()

    out: dict[str, Any] = {}
    places = _find_places(text, tokens, asked in ("district", "place", "destination"), asked)
    live = [p for p in places if not p.negated]
    _read_district(out, text, tokens, live, asked)
    _read_destination(out, answer, live, asked)
    children = _read_children(tokens, asked)
    if children is not None:
        out["children"] = children
    _read_transport(out, tokens, asked)
    phone = _agent_phone(tokens, phones, asked)
    if phone:
        out["agent_phone"] = phone

    correction = _is_correction(tokens, places, asked)
    unreadable = False
    if asked is None:
        if _is_description(tokens):
            out["what"] = answer
    elif asked == "district":
        unreadable = "district" not in out
    elif asked != "destination":
        _answer_free_text(out, text, answer, tokens, asked, correction)
    return Intake(**out, correction=correction, unreadable=unreadable)
