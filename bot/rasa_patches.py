"""The only place where we change Rasa's own code: speed-ups for every custom action call and every prediction, and
a bound on how long one conversation session grows (issue 12, item 3).

Written for Rasa 3.6.21 (jsonschema 4.17, aiohttp 3.9). Installed once per Rasa process by `bot.channels` (Rasa
imports that package when it loads credentials.yml), next to `bot.rasa_logs.install()`.

1. `rasa.core.actions.action.RemoteAction._validate_action_result`
   Rasa checks each action server response with `jsonschema.validate(result, schema)`, which first checks the
   (large) events schema itself against the JSON Schema meta-schema and builds a new validator, on every call: about
   a third of the Rasa process's time under load. Ours checks the schema once (`check_schema`), keeps one validator
   (`validator_for(schema)(schema)`) and, exactly like `jsonschema.validate`, raises the `best_match` of its errors
   with Rasa's message suffix appended. Same results, same exception, same message.

2. `rasa.utils.endpoints.EndpointConfig.request`
   Rasa opens a new aiohttp ClientSession, so a new TCP connection, for every request to an endpoint (each custom
   action call). Ours keeps one long-lived session per event loop and per (headers, basic auth) — created lazily in
   the running loop — whose keep-alive connections are reused. Headers, auth, the 5-minute session timeout,
   parameters, compression, the per-request arguments and the error handling (`ClientResponseError` for a status
   >= 400, None for a non-JSON body) are Rasa's, line for line. Differences: the connection pool has no limit
   (Rasa had none either: one session per request), idle connections are kept for KEEPALIVE_SECONDS, shorter than
   the action server's keep-alive (Sanic's 5 s) so we never reuse one the server is closing, and the SSL context
   for a `cafile` is built once per file. Used for every endpoint (actions, and NLG/callback if configured): they
   all go through the same function, and sessions are per event loop. The sessions are closed by `close_sessions`,
   registered as an `after_server_stop` listener by the REST channel's blueprint (bot/channels/rest.py); Rasa's
   own `after_server_stop` plugin hook is only called for `rasa shell` in 3.6.

3. `rasa.core.processor.MessageProcessor._has_session_expired`
   Rasa loads, replays, featurizes and sends to the action server every event of the current session, on every
   message; a session ends only after `session_expiration_time` (a day, domain.yml) without a user message. A family
   that writes every day never gets a new session, and message 500 of one session cost ~20x message 5 on this
   machine (scripts/bench_history.py). Ours also ends the session when it holds more than MAX_SESSION_EVENTS events,
   the last user message is more than SESSION_PAUSE_SECONDS old and no form is active (or, with no form active,
   when it holds more than MAX_UNPAUSED_SESSION_EVENTS, paused or not: a flood): then Rasa runs
   `action_session_start` (slots carried over, `carry_over_slots_to_new_session`) exactly as it does after a day's
   silence, a path every conversation already takes. Rasa's own check (sessions disabled, no user message yet,
   the expiration time) is called first and unchanged.

4. `rasa.core.actions.action.ActionSessionStart._slot_set_events_from_tracker`
   A new session starts with the slots carried over; Rasa carries *every* `SlotSet` event of the session, including
   the ones it carried into it, so the events a session starts with grow with every session of a conversation
   (two years of check-ins), and each message of it pays for them. Ours carries one `SlotSet` per slot: its last
   value and metadata, in the order the slots were last set. Applying them gives the same slot values.

5. `rasa.core.policies.rule_policy.RulePolicy._get_possible_keys`
   To predict, RulePolicy filters every learnt rule against every state of the session, newest first, and parses
   each rule (a JSON string) again for each state: `_rule_key_to_state` has an LRU cache of 1,000 entries, and our
   dialogue has 1,009 rules, so the cache never hits (a cyclic scan evicts each entry just before its next use).
   That was half of the Rasa process's time under load, and it grew with the session: states older than the
   longest rule (4 turns) keep every remaining rule but were still parsed and checked. Ours parses each rule once
   (the rules of a loaded model never change; reversed, as `_is_rule_applicable` uses them), starts from the rules
   whose newest turn can match the conversation's (an index by the previous action and intent a rule requires:
   ~40 of 1,009 instead of all), and stops at the longest remaining rule, because Rasa's `_is_rule_applicable` is
   True for every turn beyond a rule's length. Per turn it applies Rasa's own `_is_rule_applicable` logic and
   `_does_rule_match_state`: the same set of keys (tests/test_rasa_patches.py compares them on the trained rules).

6. `rasa.shared.core.events.Event.resolve_by_type`
   Every event read from the tracker store (every event of the session, every turn) is turned into its class by
   walking all of Event's subclasses again (`all_subclasses`, recursive, with `inspect.isabstract` on each): ~5% of
   the Rasa process's time. Ours keeps the type-name -> class table built from the same walk, in the same order
   (the first class with a name wins, as in Rasa's loop), and walks again when a name is not in it (a subclass
   imported since); names no class has get Rasa's own answer (None for "topic", the default, or its ValueError).

Guard: before patching, each original's source is hashed and compared with the hash of the Rasa 3.6.21 code that
the patch was written for; on a mismatch that patch is not applied and one warning is logged, so an upgraded Rasa
runs its own (slower, correct) code. tests/test_rasa_patches.py fails on such a mismatch, so an upgrade forces a
review of this module.

Off switch: HELPLINE_RASA_PATCHES=off (in the Rasa process's environment) leaves Rasa untouched.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import json
import logging
import os
import ssl
from typing import Any, Callable, Dict

import aiohttp
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
from rasa.shared.nlu.constants import ACTION_NAME, INTENT

logger = logging.getLogger(__name__)

ENV_SWITCH = "HELPLINE_RASA_PATCHES"
RASA_VERSION = "3.6.21"
# sha256 of inspect.getsource(...) of each original in Rasa 3.6.21. `session` is not patched, but the pooled session
# is built the way it builds one, so a change there needs a review too.
SOURCE_SHA256 = {
    "RemoteAction._validate_action_result": "f8cdb4be6812396167ced74161b2ccd65c5ea676ad86d7d359d8c322d9d8dc42",
    "EndpointConfig.request": "ccdb778aed8208e23cde3c3f47eac7fbbbb735dac8f7ef7254d54451c64ad608",
    "EndpointConfig.session": "e55aa13d9d4fb4bc440ac33b870a97ee162b76dda7ccb6bf68433567475fdffb",
    "MessageProcessor._has_session_expired": "aa0e659a9cfa1f70616523da75045bd87d4424a03432726722c7dc80a9869200",
    "ActionSessionStart._slot_set_events_from_tracker":
        "d023605fda20a739d5ddb1d253c34c824f6c793bebdd312a9a7748b13e1e7fbd",
    "RulePolicy._get_possible_keys": "2915fd81711e194c6d667728e00bd0e51e9c1c2791a0be14c55f0ef9938f9936",
    "Event.resolve_by_type": "b5cf570fa7f286c7059ec73d8880528d03a78b28cf4e80285a46079c0fa65968",
    "RulePolicy._is_rule_applicable": "64a108b016b46e573d6020b755a6036439dc207a364b45c9ea5dcb0f18dc7068",
}
KEEPALIVE_SECONDS = 3.0
# A session longer than this (about 30 messages of ours) ends at the next pause of SESSION_PAUSE_SECONDS.
MAX_SESSION_EVENTS = 300
SESSION_PAUSE_SECONDS = 30 * 60
# ... and at any message once it holds more than this (~100 messages without a 30-minute pause: a flood, or a
# script), so that no sender can make each of its turns replay thousands of events on the shared event loop.
MAX_UNPAUSED_SESSION_EVENTS = 1000

# The originals, kept for the tests and for `uninstall`.
ORIGINALS: Dict[str, Callable[..., Any]] = {}
_installed: set[str] = set()


def source_sha256(function: Callable[..., Any]) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()


def _unchanged(name: str, function: Callable[..., Any]) -> bool:
    try:
        if source_sha256(function) == SOURCE_SHA256[name]:
            return True
    except (OSError, TypeError):  # no source available
        pass
    logger.warning("Rasa's %s is not the Rasa %s code bot/rasa_patches.py was written for: not patched",
                   name, RASA_VERSION)
    return False


# --- 1. one jsonschema validator for action server responses ----------------------------------------------------

_validator: Any = None


def action_response_validator() -> Any:
    """The validator for RemoteAction.action_response_format_spec(), its schema checked once."""
    global _validator
    if _validator is None:
        from jsonschema.validators import validator_for
        from rasa.core.actions.action import RemoteAction

        schema = RemoteAction.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)
        _validator = cls(schema)
    return _validator


def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    """Rasa's RemoteAction._validate_action_result with one pre-built validator (jsonschema.validate's logic)."""
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(action_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


# --- 2. one keep-alive client session per event loop ------------------------------------------------------------

# id(loop) -> (loop, {(headers, basic auth) -> session})
_sessions: Dict[int, tuple[asyncio.AbstractEventLoop, Dict[str, aiohttp.ClientSession]]] = {}
_ssl_contexts: Dict[str, ssl.SSLContext] = {}


def _pooled_session(endpoint: Any) -> aiohttp.ClientSession:
    """This loop's session for the endpoint's headers and auth, built as EndpointConfig.session() builds one."""
    from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT

    loop = asyncio.get_running_loop()
    for loop_id in [k for k, (other, _) in _sessions.items() if other.is_closed()]:
        del _sessions[loop_id]  # a finished loop (e.g. `rasa shell` restarts); its sessions died with it
    _loop, sessions = _sessions.setdefault(id(loop), (loop, {}))
    key = repr((sorted(endpoint.headers.items()), sorted(endpoint.basic_auth.items())))
    session = sessions.get(key)
    if session is None or session.closed:
        if endpoint.basic_auth:
            auth = aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
        else:
            auth = None
        session = aiohttp.ClientSession(
            headers=endpoint.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(limit=0, keepalive_timeout=KEEPALIVE_SECONDS),
        )
        sessions[key] = session
    return session


def _ssl_context(cafile: str) -> ssl.SSLContext:
    from rasa.shared.exceptions import FileNotFoundException

    context = _ssl_contexts.get(cafile)
    if context is None:
        try:
            context = ssl.create_default_context(cafile=cafile)
        except FileNotFoundError as e:
            raise FileNotFoundException(
                f"Failed to find certificate file, "
                f"'{os.path.abspath(cafile)}' does not exist."
            ) from e
        _ssl_contexts[cafile] = context
    return context


async def request(
    self: Any,
    method: str = "post",
    subpath: str | None = None,
    content_type: str | None = "application/json",
    compress: bool = False,
    **kwargs: Any,
) -> Any | None:
    """Rasa's EndpointConfig.request, on this loop's pooled session instead of a new one."""
    from aiohttp.client_exceptions import ContentTypeError
    from rasa.utils.endpoints import ClientResponseError, concat_url

    headers = {}
    if content_type:
        headers["Content-Type"] = content_type

    if "headers" in kwargs:
        headers.update(kwargs["headers"])
        del kwargs["headers"]

    if self.headers:
        headers.update(self.headers)

    url = concat_url(self.url, subpath)

    sslcontext = _ssl_context(self.cafile) if self.cafile else None

    session = _pooled_session(self)
    async with session.request(
        method,
        url,
        headers=headers,
        params=self.combine_parameters(kwargs),
        compress=compress,
        ssl=sslcontext,
        **kwargs,
    ) as response:
        if response.status >= 400:
            raise ClientResponseError(
                response.status,
                response.reason,
                await response.content.read(),
            )
        try:
            return await response.json()
        except ContentTypeError:
            return None


async def close_sessions(*_: Any) -> None:
    """Close this loop's pooled sessions (a Sanic `after_server_stop` listener; takes and ignores app, loop)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    _loop, sessions = _sessions.pop(id(loop), (loop, {}))
    for session in sessions.values():
        await session.close()


# --- 3. a session ends after a pause once it is long --------------------------------------------------------------

def _has_session_expired(self: Any, tracker: Any) -> bool:
    """Rasa's check, or: a long session (loaded events since its start), paused, with no active form."""
    import time

    from rasa.shared.core.events import UserUttered

    if ORIGINALS["MessageProcessor._has_session_expired"](self, tracker):
        return True
    if not self.domain.session_config.are_sessions_enabled() or tracker.active_loop_name:
        return False
    if len(tracker.events) <= MAX_SESSION_EVENTS:
        return False
    if len(tracker.events) > MAX_UNPAUSED_SESSION_EVENTS:  # a flood: bound what every one of its turns costs
        logger.info("a session of %d events ends without a pause (bot/rasa_patches.py)", len(tracker.events))
        return True
    last = tracker.get_last_event_for(UserUttered)
    if last is None or time.time() - last.timestamp <= SESSION_PAUSE_SECONDS:
        return False
    logger.info("a session of %d events ends after a pause (bot/rasa_patches.py)", len(tracker.events))
    return True


# --- 4. a new session carries each slot once ---------------------------------------------------------------------

def _slot_set_events_from_tracker(tracker: Any) -> list[Any]:
    """Rasa's carry-over, one SlotSet per slot (the last one set), in the order of their last setting."""
    from rasa.shared.core.events import SlotSet

    last: dict[str, Any] = {}
    for event in tracker.applied_events():
        if isinstance(event, SlotSet):
            last.pop(event.key, None)  # re-inserted at the end: the order of last setting
            last[event.key] = event
    return [SlotSet(key=event.key, value=event.value, metadata=event.metadata) for event in last.values()]


# --- 5. each rule parsed once, and only the rules and turns that can apply -----------------------------------------

_reversed_rules: dict[str, list[Any]] = {}
# RulePolicy._does_rule_match_state, set by `install` (importing rasa.core here would slow every `import bot`)
_does_rule_match_state: Callable[[Any, Any], bool] = lambda rule_state, conversation_state: False  # noqa: E731
# id(lookup) -> (the lookup, its keys when indexed, rule keys by the action and intent of their newest turn)
_indexes: dict[int, tuple[Dict[str, str], frozenset[str], dict[tuple[Any, Any], list[str]]]] = {}


def reversed_rule_states(rule_key: str) -> list[Any]:
    """The rule's states, newest first, parsed once per process (a model's rules are fixed once it is loaded)."""
    states = _reversed_rules.get(rule_key)
    if states is None:
        states = _reversed_rules[rule_key] = list(reversed(json.loads(rule_key)))
    return states


def _required(sub_state: Any, key: str) -> Any:
    """The value a rule's state requires (None when it requires none, or only that the value is not set)."""
    value = (sub_state or {}).get(key)
    return value if isinstance(value, str) and value and value != SHOULD_NOT_BE_SET else None


def _bucket(rule_key: str) -> tuple[Any, Any]:
    """(previous action, intent) a conversation's newest turn must have for this rule to apply; None = any.

    Exact, from `_is_rule_applicable`: a rule whose newest turn has a previous action only applies to a turn that
    has one and matches every required value of it (`_does_rule_match_state`); without one it never looks at the
    intent."""
    newest = reversed_rule_states(rule_key)[0]
    action = newest.get(PREVIOUS_ACTION)
    if not action:
        return None, None
    return _required(action, ACTION_NAME), _required(newest.get(USER), INTENT)


def _candidates(lookup: Dict[str, str], conversation_state: Any) -> set[str]:
    """The rules not excluded by the newest turn's previous action and intent (a superset of those that apply)."""
    entry = _indexes.get(id(lookup))
    if entry is None or entry[0] is not lookup or entry[1] != lookup.keys():
        index: dict[tuple[Any, Any], list[str]] = {}
        for key in lookup:
            index.setdefault(_bucket(key), []).append(key)
        entry = _indexes[id(lookup)] = (lookup, frozenset(lookup), index)
    action = (conversation_state.get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
    intent = (conversation_state.get(USER) or {}).get(INTENT)
    index = entry[2]
    return {key for bucket in {(action, intent), (action, None), (None, intent), (None, None)}
            for key in index.get(bucket, ())}


def _rule_applies(rule_states: list[Any], turn_index: int, conversation_state: Any) -> bool:
    """Rasa's RulePolicy._is_rule_applicable on the already reversed, already parsed rule."""
    if turn_index >= len(rule_states):
        return True
    current_previous_action = conversation_state.get(PREVIOUS_ACTION)
    rule_previous_action = rule_states[turn_index].get(PREVIOUS_ACTION)
    if not rule_previous_action and not current_previous_action:
        return True
    if not rule_previous_action or not current_previous_action:
        return False
    return _does_rule_match_state(rule_states[turn_index], conversation_state)


def _get_possible_keys(self: Any, lookup: Dict[str, str], states: list[Any]) -> set[str]:
    """Rasa's filter of the rules by the conversation's states (newest first): the newest turn through the index,
    and no further back than the longest remaining rule."""
    if not states:
        return set(lookup.keys())
    possible_keys = _candidates(lookup, states[-1])
    for index, state in enumerate(reversed(states)):
        if not possible_keys or index >= max(len(reversed_rule_states(key)) for key in possible_keys):
            break  # every remaining rule applies to older turns: nothing would change
        possible_keys = {key for key in possible_keys if _rule_applies(reversed_rule_states(key), index, state)}
    return possible_keys


# --- 6. event classes by type name, looked up in a table -----------------------------------------------------------

_event_classes: dict[str, Any] = {}


def _event_class_table() -> dict[str, Any]:
    """Rasa's walk over Event's subclasses, as a table (the first class of each type name, as Rasa's loop finds)."""
    import rasa.shared.utils.common
    from rasa.shared.core.events import Event

    table: dict[str, Any] = {}
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        table.setdefault(cls.type_name, cls)
    return table


def _resolve_by_type(type_name: str, default: Any = None) -> Any:
    """Rasa's Event.resolve_by_type through the table, rebuilt when a name is missing."""
    global _event_classes
    cls = _event_classes.get(type_name)
    if cls is None:
        _event_classes = _event_class_table()
        cls = _event_classes.get(type_name)
    if cls is not None:
        return cls
    original: Any = ORIGINALS["Event.resolve_by_type"]  # the staticmethod object from the class's __dict__
    return original.__func__(type_name, default)  # None, the default, or Rasa's error


# --- installing ---------------------------------------------------------------------------------------------------

def enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "on").strip().lower() not in {"off", "0", "false", "no"}


def install() -> None:
    """Apply the patches (once per process), unless switched off or Rasa's code is not the expected one."""
    if not enabled():
        logger.info("%s=off: Rasa runs unpatched", ENV_SWITCH)
        return
    from rasa.core.actions.action import ActionSessionStart, RemoteAction
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.events import Event
    from rasa.utils.endpoints import EndpointConfig

    global _does_rule_match_state
    _does_rule_match_state = RulePolicy._does_rule_match_state
    targets = [
        ("RemoteAction._validate_action_result", RemoteAction, "_validate_action_result", _validate_action_result,
         ()),
        ("EndpointConfig.request", EndpointConfig, "request", request, ("EndpointConfig.session",)),
        ("MessageProcessor._has_session_expired", MessageProcessor, "_has_session_expired", _has_session_expired,
         ()),
        ("ActionSessionStart._slot_set_events_from_tracker", ActionSessionStart, "_slot_set_events_from_tracker",
         staticmethod(_slot_set_events_from_tracker), ()),
        ("RulePolicy._get_possible_keys", RulePolicy, "_get_possible_keys", _get_possible_keys,
         ("RulePolicy._is_rule_applicable",)),
        ("Event.resolve_by_type", Event, "resolve_by_type", staticmethod(_resolve_by_type), ()),
    ]
    for name, owner, attribute, replacement, also_checked in targets:
        if name in _installed:
            continue
        original = owner.__dict__[attribute]
        if not _unchanged(name, original):
            continue
        if not all(_unchanged(other, getattr(owner, other.split(".")[1])) for other in also_checked):
            continue
        ORIGINALS[name] = original
        setattr(owner, attribute, replacement)
        _installed.add(name)
        logger.info("Rasa's %s patched (bot/rasa_patches.py)", name)


def uninstall() -> None:
    """Put Rasa's originals back (for tests)."""
    from rasa.core.actions.action import ActionSessionStart, RemoteAction
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.events import Event
    from rasa.utils.endpoints import EndpointConfig

    owners = {"RemoteAction": RemoteAction, "EndpointConfig": EndpointConfig, "MessageProcessor": MessageProcessor,
              "ActionSessionStart": ActionSessionStart, "RulePolicy": RulePolicy, "Event": Event}
    for name in list(_installed):
        owner, attribute = name.split(".")
        setattr(owners[owner], attribute, ORIGINALS[name])
        _installed.discard(name)


def installed() -> frozenset[str]:
    return frozenset(_installed)


# --- 3. a tracker store error is an error, not a silent switch to memory -------------------------------------------
# Rasa wraps every tracker store in FailSafeTrackerStore: when the database fails, `retrieve` returns None (the
# conversation starts again from nothing) and `save` writes to an in-memory store, and the person is answered 200 as
# if nothing happened; with several processes that tracker then lives in one process's memory only. For the
# helpline a turn must be stored or fail: FailSafeTrackerStore calls its `_on_tracker_store_error` callback inside
# its `except` block, so a callback that re-raises turns the fallback off without changing Rasa's code. The channel
# then answers 503 with the emergency numbers (bot/channels/rest.py, notices.failure_replies). Applied to the running
# agent by the REST channel's `after_server_start` listener, guarded like the patches above, not switched off by
# HELPLINE_RASA_PATCHES (it is about correctness, not speed).
FAILSAFE_SHA256 = {
    "FailSafeTrackerStore.save": "8426dc08f58d71102f7c031ade8a26b0b1458c8bae162be7b091d288699a5e9b",
    "FailSafeTrackerStore.retrieve": "35d77318b0cc79771af3c667bc8c34cd5a56e494eaa8c4d713fd754b9d00d276",
    "FailSafeTrackerStore.on_tracker_store_error":
        "6faca7ba72b36da4594c789a1ee9d86ea185a8785a1e0543199b63bf02937e12",
    "FailSafeTrackerStore.on_tracker_store_retrieve_error":
        "162b49564c52ab49f2be6a40ed56d11564e6607fdcd6975d44e678f69ca6ce9d",
}


def reraise(error: Exception) -> None:
    """FailSafeTrackerStore's error callback: logged by type only (the error may quote stored text), then raised."""
    logger.error("tracker store failed (%s): the message is not handled", type(error).__name__)
    raise error


def failsafe_code_unchanged() -> bool:
    """True when FailSafeTrackerStore is the Rasa 3.6.21 code `fail_on_tracker_store_errors` relies on."""
    from rasa.core.tracker_store import FailSafeTrackerStore

    for name, expected in FAILSAFE_SHA256.items():
        if source_sha256(getattr(FailSafeTrackerStore, name.split(".")[1])) != expected:
            logger.warning("Rasa's %s is not the Rasa %s code bot/rasa_patches.py was written for: tracker store "
                           "errors still fall back to memory", name, RASA_VERSION)
            return False
    return True


def fail_on_tracker_store_errors(tracker_store: Any) -> bool:
    """Make a FailSafeTrackerStore raise its primary store's errors; False when it could not (other code)."""
    from rasa.core.tracker_store import FailSafeTrackerStore

    if not isinstance(tracker_store, FailSafeTrackerStore) or not failsafe_code_unchanged():
        return False
    tracker_store._on_tracker_store_error = reraise
    return True


async def agent_fails_on_tracker_store_errors(app: Any, *_: Any) -> None:
    """Sanic `after_server_start` listener: applies `fail_on_tracker_store_errors` to the loaded agent's store."""
    agent = getattr(app.ctx, "agent", None)
    if agent is not None and fail_on_tracker_store_errors(agent.tracker_store):
        logger.info("Rasa's tracker store errors fail the message (bot/rasa_patches.py)")
