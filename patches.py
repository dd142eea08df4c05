"""Every change this project makes to the private internals of other packages, in one place,
checked against the exact versions it was proved on before any of it is applied.

Two kinds:
- Patches: assignments into Rasa's, skops' and python-socketio's own classes and modules, and
  one entry in sys.modules that leaves TensorFlow's optional jax import out.
  `apply()` makes them once, explicitly, where they are needed: the Rasa commands the project
  runs go through `backcare-rasa` (`main` below: `make train`, `make run`, `make test`, the
  Docker image), `make shell` calls `apply()` itself, and pytest calls it before collecting
  any test (tests/conftest.py). The socket.io fix is made by the channel on its own server,
  the shell's button printer by `make shell` alone.
- Overrides: subclasses that replace private methods (the intent classifier, the SQL tracker
  store, the Redis lock store, the socket.io channel). Rasa loads them by name from
  config.yml, endpoints.yml and credentials.yml; they are listed here so that the same
  version check covers what they rely on.

Each one keeps the behaviour of the code it replaces (its test compares the two), except
the tracker store's, which on purpose lets a store that handles its own failures be used
without Rasa's FailSafeTrackerStore (issue 17). docs/engineering.md lists them with why.

Before applying anything, `check_versions()` compares the installed version of every package
a patch or override touches with the version it was proved on, and stops with a message
naming the patch and both versions when one differs: another Rasa (or scikit-learn, skops,
python-socketio ...) never loads them silently. To move to a new version, re-check each patch
named in the message against it, run its test, then update PROVED_ON.
"""

from __future__ import annotations

import collections
import copy
import functools
import importlib.abc
import importlib.metadata
import importlib.util
import sys
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Text, Tuple, Type

# The versions every patch and override below was proved on (constraints.txt pins them).
PROVED_ON: Dict[str, str] = {
    "rasa": "3.6.21",
    "jsonschema": "3.2.0",
    "skops": "0.9.0",
    "scikit-learn": "1.1.3",
    "scipy": "1.10.1",
    "python-socketio": "5.9.0",
    "python-engineio": "4.8.0",
    "SQLAlchemy": "1.4.54",
    "redis": "4.6.0",
    "tensorflow": "2.12.0",
}


@dataclass(frozen=True)
class Patch:
    name: str
    changes: str  # what of the other package it replaces
    packages: Tuple[str, ...]  # the distributions whose internals it relies on
    proved_by: str  # the test that compares it with the code it replaces


PATCHES: Tuple[Patch, ...] = (
    Patch(
        "tracker store used as it is",
        "rasa.core.agent.Agent._create_tracker_store",
        ("rasa",),
        "tests/test_store_faults.py::test_the_agent_uses_the_store_as_it_is_and_wraps_others_as_rasa_does",
    ),
    Patch(
        "graph runner without dask",
        "rasa.engine.runner.dask.DaskGraphRunner.run",
        ("rasa",),
        "tests/test_patches.py::test_the_direct_graph_runner_gives_dasks_results",
    ),
    Patch(
        "action response check built once",
        "rasa.core.actions.action.RemoteAction._validate_action_result",
        ("rasa", "jsonschema"),
        "tests/test_patches.py::test_malformed_action_responses_are_still_rejected",
    ),
    Patch(
        "event class lookup by name",
        "rasa.shared.core.events.Event.resolve_by_type",
        ("rasa",),
        "tests/test_patches.py::test_every_event_type_resolves_to_the_class_rasa_would_pick",
    ),
    Patch(
        "rule lookup by previous action",
        "rasa.core.policies.rule_policy.RulePolicy._get_possible_keys",
        ("rasa",),
        "tests/test_rule_lookup.py::test_the_rule_lookup_finds_the_rules_rasa_finds",
    ),
    Patch(
        "skops type-name search",
        "skops.io._utils.whichmodule",
        ("skops",),
        "tests/test_patches.py::test_skops_finds_the_same_type_names_as_its_own_search",
    ),
    Patch(
        "socket.io binary parts dropped on disconnect",
        "socketio.AsyncServer's engine.io disconnect handler (_handle_eio_disconnect, _binary_packet)",
        ("python-socketio", "python-engineio"),
        "tests/test_socket_channel.py::test_a_half_received_binary_message_is_dropped_when_its_client_leaves",
    ),
    Patch(
        "socket.io origin check",
        "channels/clinic_socketio.py: engine.io's cors_allowed_origins on Rasa's server",
        ("rasa", "python-engineio"),
        "tests/e2e/test_socket_origins.py",
    ),
    Patch(
        "lean intent classifier",
        "components/intent_classifier.py: LogisticRegressionClassifier._create_X, scikit-learn's coef_ layout",
        ("rasa", "scikit-learn", "scipy"),
        "tests/test_intent_classifier.py",
    ),
    Patch(
        "SQL tracker store",
        "stores/tracker_store.py: SQLTrackerStore's private query and save methods",
        ("rasa", "SQLAlchemy"),
        "tests/test_tracker_store.py",
    ),
    Patch(
        "atomic Redis lock store",
        "stores/lock_store.py: RedisLockStore's private ticket methods",
        ("rasa", "redis"),
        "tests/scale/test_lock_store.py",
    ),
    Patch(
        "jax left unimported",
        "tensorflow/lite/python/util.py's optional `from jax import xla_computation` (its ImportError fallback)",
        ("tensorflow",),
        "tests/test_patches.py::test_the_server_loads_without_jax_and_answers_the_same",
    ),
    Patch(
        "plotting loaded on first use",
        "rasa.utils.plotting (imported at start-up by rasa.server through rasa.nlu.test) run by importlib's LazyLoader",
        ("rasa",),
        "tests/test_patches.py::test_the_server_loads_without_pymongo_or_matplotlib_and_answers_the_same",
    ),
    Patch(
        "pymongo for a Mongo store only",
        "rasa.core.tracker_store's type-only `from pymongo.collection import Collection`, and TrackerStore.create",
        ("rasa",),
        "tests/test_patches.py::test_tracker_store_create_gives_rasas_errors",
    ),
    Patch(
        "earlier messages for the red-flag screen",
        "rasa.core.processor.MessageProcessor._parse_message_with_graph",
        ("rasa",),
        "tests/test_patches.py::test_the_parse_with_earlier_messages_is_rasas_own_for_a_message_with_no_sign",
    ),
    Patch(
        "shell prints whole replies",
        "rasa.core.channels.console.print_buttons (make shell)",
        ("rasa",),
        "tests/e2e/test_shell.py",
    ),
)


class PatchVersionError(RuntimeError):
    """An installed package is not the version a patch was proved on."""


def check_versions(version: Callable[[str], str] = importlib.metadata.version) -> None:
    """Stop before anything is patched if an installed version differs from PROVED_ON."""
    differences: List[str] = []
    for patch in PATCHES:
        for package in patch.packages:
            try:
                installed = version(package)
            except importlib.metadata.PackageNotFoundError:
                installed = "none"
            if installed != PROVED_ON[package]:
                differences.append(
                    f'patch "{patch.name}" ({patch.changes}) was proved on {package} {PROVED_ON[package]}, '
                    f"but {package} {installed} is installed"
                )
    if differences:
        raise PatchVersionError(
            "patches.py changes other packages' internals and will not load them on versions they were not "
            "proved on:\n- " + "\n- ".join(differences) + "\nCheck each named patch against the installed "
            "version and run its test (docs/engineering.md lists them), then update PROVED_ON in patches.py."
        )


# --- The action server's reply check: the validator is built once --------------------------


@functools.lru_cache(maxsize=None)
def _action_response_validator() -> Any:
    import jsonschema
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


# The action server's replies found valid, as canonical JSON: the same few replies come back
# turn after turn, and checking one against Rasa's event schema costs ~0.5 ms.
_VALID_ACTION_RESULTS: "collections.OrderedDict[Text, None]" = collections.OrderedDict()
_VALID_ACTION_RESULTS_KEPT = 256


def _plain_json(value: Any) -> bool:
    """Only JSON's own types (what the action server's reply parses to): then equal canonical
    JSON means equal for the schema too (a tuple, say, would dump like a list but fail it)."""
    kind = type(value)
    if kind is dict:
        return all(type(key) is str and _plain_json(item) for key, item in value.items())
    if kind is list:
        return all(_plain_json(item) for item in value)
    return kind in (str, int, float, bool, type(None))


def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    """RemoteAction._validate_action_result with the schema checked once, not every turn, and
    a reply already found valid (the same JSON) not checked again."""
    import json

    import jsonschema

    key = json.dumps(result, sort_keys=True) if _plain_json(result) else None
    if key is not None and key in _VALID_ACTION_RESULTS:
        _VALID_ACTION_RESULTS.move_to_end(key)
        return True
    try:
        _action_response_validator().validate(result)
    except jsonschema.ValidationError as error:
        error.message += ". Failed to validate Action server response from API."
        raise
    if key is not None:
        _VALID_ACTION_RESULTS[key] = None
        if len(_VALID_ACTION_RESULTS) > _VALID_ACTION_RESULTS_KEPT:
            _VALID_ACTION_RESULTS.popitem(last=False)
    return True


# --- Event deserialisation: a dictionary instead of a walk over every Event subclass --------

_RESOLVE_BY_TYPE: List[Callable[..., Any]] = []  # Rasa's own, kept when the patch is made


@functools.lru_cache(maxsize=None)
def _event_classes() -> Dict[Text, Type[Any]]:
    from rasa.shared.core import events
    from rasa.shared.utils.common import all_subclasses

    classes: Dict[Text, Type[Any]] = {}
    for cls in all_subclasses(events.Event):
        classes.setdefault(cls.type_name, cls)  # first match wins, as in Rasa's walk
    return classes


def _resolve_by_type(type_name: Text, default: Optional[Type[Any]] = None) -> Optional[Type[Any]]:
    cls = _event_classes().get(type_name)
    return cls if cls is not None else _RESOLVE_BY_TYPE[0](type_name, default)


# --- RulePolicy: the rules that can match a turn, looked up by its previous action ---------

_GET_POSSIBLE_KEYS: List[Callable[..., Any]] = []  # Rasa's own, kept when the patch is made


@dataclass(frozen=True)
class _RuleIndex:
    """The rules of one lookup (rule key -> action), filed by what their last state needs."""

    keys: frozenset  # the lookup's keys when the index was built
    # (previous action's feature and value, or None; user intent, or None) -> rule keys
    filed: Dict[Tuple[Optional[Tuple[Text, Any]], Optional[Text]], Tuple[Text, ...]]
    longest: int  # the most states any rule has


def _needed(sub_state: Dict[Text, Any], features: Tuple[Text, ...]) -> Optional[Tuple[Text, Any]]:
    """The first of ``features`` the (rule's) sub-state requires a value of: set, and not
    "should_not_be_set" (RulePolicy._does_rule_match_state then demands the same value)."""
    from rasa.shared.core.constants import SHOULD_NOT_BE_SET

    for feature in features:
        value = sub_state.get(feature)
        if isinstance(value, list):
            value = tuple(value)  # as RulePolicy._does_rule_match_state compares it
        if value and value != SHOULD_NOT_BE_SET:
            return feature, value
    return None


def _rule_index(keys: Any) -> _RuleIndex:
    import json

    from rasa.shared.core.constants import PREVIOUS_ACTION, USER
    from rasa.shared.nlu.constants import ACTION_NAME, ACTION_TEXT, INTENT

    filed: Dict[Tuple[Optional[Tuple[Text, Any]], Optional[Text]], List[Text]] = {}
    longest = 0
    for key in keys:
        states = json.loads(key)
        longest = max(longest, len(states))
        last = states[-1] if states else {}
        previous = _needed(last.get(PREVIOUS_ACTION) or {}, (ACTION_NAME, ACTION_TEXT))
        intent = _needed(last.get(USER) or {}, (INTENT,))
        filed.setdefault((previous, intent[1] if intent else None), []).append(key)
    return _RuleIndex(frozenset(keys), {place: tuple(found) for place, found in filed.items()}, longest)


def _get_possible_keys(self: Any, lookup: Dict[Text, Text], states: List[Dict[Text, Any]]) -> Set[Text]:
    """RulePolicy._get_possible_keys checks every rule (114) against the turn's last state.
    A rule whose last state requires a previous action (action_name or action_text, set and
    not "should_not_be_set") or a user intent fails that check unless the turn has the same
    value, so only the rules filed under the turn's own previous action and intent, or under
    none, are checked, with Rasa's own _is_rule_applicable; the earlier states as Rasa does.
    When two matching rules are equally long, Rasa's max() picks one by set order, so then
    Rasa's own method answers."""
    from rasa.shared.core.constants import PREVIOUS_ACTION, USER
    from rasa.shared.nlu.constants import ACTION_NAME, ACTION_TEXT, INTENT

    if not states:
        return _GET_POSSIBLE_KEYS[0](self, lookup, states)
    indexes: Dict[int, _RuleIndex] = self.__dict__.setdefault("_backcare_rule_indexes", {})
    index = indexes.get(id(lookup))
    if index is None or index.keys != lookup.keys():
        index = indexes[id(lookup)] = _rule_index(lookup.keys())
    last = states[-1]
    previous_action = last.get(PREVIOUS_ACTION) or {}
    previous_values: List[Optional[Tuple[Text, Any]]] = [None]
    for feature in (ACTION_NAME, ACTION_TEXT):
        value = previous_action.get(feature)
        if isinstance(value, list):
            value = tuple(value)
        if value:
            previous_values.append((feature, value))
    intent = (last.get(USER) or {}).get(INTENT)
    intents = [None, intent] if intent else [None]
    possible = {
        key
        for previous in previous_values
        for wanted in intents
        for key in index.filed.get((previous, wanted), ())
        if self._is_rule_applicable(key, 0, last)
    }
    for turn, state in enumerate(reversed(states)):
        if turn == 0:
            continue
        if turn >= index.longest or not possible:
            break  # _is_rule_applicable is True from a rule's length on: nothing changes
        possible = {key for key in possible if self._is_rule_applicable(key, turn, state)}
    if len(possible) > 1:
        longest = max(len(key) for key in possible)
        if sum(len(key) == longest for key in possible) > 1:
            return _GET_POSSIBLE_KEYS[0](self, lookup, states)  # a tie: Rasa's set, Rasa's order
    return possible


# --- skops' start-up search for the module of every numpy and scipy ufunc -------------------


def _fast_whichmodule(slow: Callable[[Any, Text], Text]) -> Callable[[Any, Text], Text]:
    """skops lists the module of every ufunc with getattr over all of sys.modules (11 of the
    server's 21 s with TensorFlow loaded); the same first-match search over the modules' own
    dictionaries gives the same names in under a second."""

    def whichmodule(obj: Any, name: Text) -> Text:
        module_name = getattr(obj, "__module__", None)
        if module_name is not None:
            return str(module_name)
        if "." not in name:
            for module_name, module in sys.modules.copy().items():
                if module_name in ("__main__", "__mp_main__") or module is None:
                    continue
                if getattr(module, "__dict__", {}).get(name) is obj:
                    return str(module_name)
        return slow(obj, name)  # dotted names, or found nowhere: skops' own search

    whichmodule.slow = slow  # type: ignore[attr-defined]  # the test compares with skops' own
    return whichmodule


class _SkopsTrustedTypesHook(importlib.abc.MetaPathFinder):
    """Swaps in the fast search just before skops.io._trusted_types runs (skops.io._utils,
    which it uses, is loaded by then); imports nothing itself."""

    def find_spec(self, fullname: str, path: Optional[Sequence[str]], target: Any = None) -> None:
        if fullname == "skops.io._trusted_types":
            utils: Any = sys.modules.get("skops.io._utils")
            if utils is not None and not hasattr(utils.whichmodule, "slow"):
                utils.whichmodule = _fast_whichmodule(utils.whichmodule)
        return None  # the normal finders do the import


# --- The graph runner: Rasa's nodes called in dependency order, without dask's scheduler ----

_DASK_RUN: List[Callable[..., Any]] = []  # Rasa's own, kept for the test that compares the two


def dask_run() -> Callable[..., Any]:
    """Rasa's own DaskGraphRunner.run (before the patch), for the equivalence test."""
    from rasa.engine.runner.dask import DaskGraphRunner

    return _DASK_RUN[0] if _DASK_RUN else DaskGraphRunner.run


def run_graph(
    self: Any, inputs: Optional[Dict[Text, Any]] = None, targets: Optional[List[Text]] = None
) -> Dict[Text, Any]:
    """DaskGraphRunner.run without dask: each needed node once, after what it needs. dask's
    scheduler cost about a tenth of a turn for graphs of a few nodes in a chain."""
    from rasa.engine.exceptions import GraphRunError

    run_targets = targets if targets else self._graph_schema.target_names
    given = inputs or {}
    nodes = self._graph_schema.nodes
    results: Dict[Text, Any] = {}

    def value(key: Text) -> Any:
        if key in given:  # an input takes the place of a node of the same name, as in dask
            return key, given[key]
        if key not in nodes:
            return key  # unresolved: the node reports it, as with dask
        if key not in results:
            results[key] = self._instantiated_nodes[key](*(value(need) for need in nodes[key].needs.values()))
        return results[key]

    try:
        return dict(value(target) for target in run_targets)
    except RuntimeError as error:
        raise GraphRunError("Error running runner.") from error


# --- The Agent's tracker store: a store that reports its own failures is used as it is ------

_CREATE_TRACKER_STORE: List[Callable[..., Any]] = []  # Rasa's own: wraps in FailSafeTrackerStore


def _create_tracker_store(store: Any, domain: Any) -> Any:
    """Rasa wraps every store in FailSafeTrackerStore, which answers from a new, empty
    conversation when a read fails. A store with `handles_its_own_failures` (stores/
    tracker_store.py) is used as it is, so its errors reach the channel (issue 17)."""
    if getattr(store, "handles_its_own_failures", False):
        store.domain = domain
        return store
    return _CREATE_TRACKER_STORE[0](store, domain)


# --- The NLU pipeline sees the conversation's last user messages --------------------------

_PARSE_WITH_GRAPH: List[Callable[..., Any]] = []  # Rasa's own


def parse_with_graph() -> Callable[..., Any]:
    """Rasa's own MessageProcessor._parse_message_with_graph (before the patch), for the
    equivalence test."""
    from rasa.core.processor import MessageProcessor

    return _PARSE_WITH_GRAPH[0] if _PARSE_WITH_GRAPH else MessageProcessor._parse_message_with_graph


def _parse_message_with_graph(self: Any, message: Any, tracker: Any, only_output_properties: bool = True) -> Any:
    """Rasa's own, given a copy of the message whose metadata also holds the texts of the
    conversation's last user messages (components/red_flag_screen.py reads a sign told over
    several of them). Rasa hands the NLU pipeline the message alone, though the tracker is at
    hand here. The key is always set, so a client's metadata cannot put texts there; the
    tracker keeps the message as it came, and the parse data has no metadata.

    A message the classifier is unsure of, with a user message before it, is also parsed joined
    to that message, as one text, and that parse's intent ranking added to the parse data
    (``WITH_MESSAGE_BEFORE``; the action server decides when it holds: backcare/clarify.py,
    ``with_message_before``). Only then: a second parse costs as much as the first."""
    from backcare.clarify import wants_reading_with_message_before
    from backcare.contract import EARLIER_MESSAGES, WITH_MESSAGE_BEFORE
    from components.red_flag_screen import earlier_messages

    earlier = earlier_messages(tracker.events)
    given = copy.copy(message)
    given.metadata = {**(message.metadata or {}), EARLIER_MESSAGES: earlier}
    parsed = _PARSE_WITH_GRAPH[0](self, given, tracker, only_output_properties)
    if earlier and wants_reading_with_message_before(parsed):
        joined = copy.copy(message)
        joined.text = f"{earlier[-1].rstrip()} {message.text}"
        joined.metadata = {EARLIER_MESSAGES: []}
        ranking = _PARSE_WITH_GRAPH[0](self, joined, tracker, only_output_properties).get("intent_ranking") or []
        parsed[WITH_MESSAGE_BEFORE] = {"intent_ranking": ranking[:10]}
    return parsed


# --- python-socketio 5.9: a half-received binary message outlives its client ---------------


def forget_binary_parts_on_disconnect(sio: Any) -> None:
    """python-socketio 5.9 keeps a half-received binary message after its client left
    (CVE-2026-48804): reconnecting in a loop grows the server's memory. The fixed 5.16 is
    held back by the <5.10 pin (see requirements.txt), so the disconnect handler drops it.
    Made by channels/clinic_socketio.py on the server it creates."""
    handle_disconnect = sio._handle_eio_disconnect

    async def disconnect(eio_sid: Text) -> None:
        sio._binary_packet.pop(eio_sid, None)
        await handle_disconnect(eio_sid)

    sio.eio.on("disconnect", disconnect)


# --- `make shell` only: Rasa's console prints a reply with buttons whole -----------------


def shell_prints_buttons_with(printer_for: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    """Replaces rasa.core.channels.console.print_buttons with ``printer_for(Rasa's own)``:
    scripts/shell.py prints the reply's whole text, then its choices, where Rasa's shell made
    the whole reply the prompt of its pick list, which the terminal cut to one line."""
    from rasa.core.channels import console

    console.print_buttons = printer_for(console.print_buttons)


# --- TensorFlow: jax stays unimported -------------------------------------------------------


def leave_jax_unimported() -> None:
    """TensorFlow 2.12 requires jax, and its TFLite helper imports it when it can
    (tensorflow/lite/python/util.py: ``try: from jax import xla_computation`` / ``except
    ImportError: None``). Rasa imports TensorFlow at start-up, so every server and training run
    loaded jax and jaxlib: 66 MB and 0.3 s, for TFLite conversion nothing here does. ``None`` in
    sys.modules makes that import raise ImportError (the import system's documented rule), so
    TensorFlow takes its own fallback. Too late once TensorFlow is imported: then it does nothing."""
    if "tensorflow" not in sys.modules:
        sys.modules.setdefault("jax", None)  # type: ignore[arg-type]


# --- Rasa's plotting helpers: loaded when first used, not at server start -----------------

_LOADED_ON_FIRST_USE = frozenset({"rasa.utils.plotting"})


class _LoadOnFirstUse(importlib.abc.MetaPathFinder):
    """rasa.server imports rasa.nlu.test, which imports rasa.utils.plotting, which imports
    matplotlib: ~5 MB that a server never uses (only `rasa test` draws its plots). The module
    is found by the normal finders and its loader wrapped in importlib.util.LazyLoader, so the
    same code runs, unchanged, when one of its names is first used. (Rasa's importers name it
    as a module, `import rasa.utils.plotting as plot_utils`, which does not run it; `from
    rasa.utils.plotting import ...` does.)"""

    def find_spec(self, fullname: str, path: Optional[Sequence[str]], target: Any = None) -> Any:
        if fullname not in _LOADED_ON_FIRST_USE:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = importlib.util.LazyLoader(spec.loader)
                return spec
        return None


# --- pymongo: imported for a Mongo tracker store only --------------------------------------


class _MongoCollectionStandIn:
    """The name rasa.core.tracker_store imports from pymongo.collection, while it is first
    imported (the module uses it in one annotation only, a string under its
    `from __future__ import annotations`)."""


def _tracker_store_module_getattr(name: str) -> Any:
    """rasa.core.tracker_store.Collection asked for later: pymongo's own class (PEP 562)."""
    if name == "Collection":
        from pymongo.collection import Collection

        return Collection
    raise AttributeError(f"module 'rasa.core.tracker_store' has no attribute {name!r}")


def _import_tracker_store_without_pymongo() -> None:
    """rasa.core.tracker_store imports pymongo.collection at its top for a type annotation, and
    so loads all of pymongo (bson, dnspython ...: ~6 MB) in every server, though only a Mongo
    tracker store uses it. It is imported here once with stand-ins for `pymongo` and
    `pymongo.collection`; they leave sys.modules right after, so any later import of pymongo
    (a Mongo store's own `from pymongo import MongoClient`) loads the real package, and the
    module's `Collection` is looked up in it when asked for. If Rasa's import chain imported
    anything else of pymongo meanwhile, the stand-in package (an empty path) makes it fail at
    once. Does nothing if the module or pymongo is already imported."""
    import types

    if "rasa.core.tracker_store" in sys.modules or "pymongo" in sys.modules:
        return
    package = types.ModuleType("pymongo", "stand-in while rasa.core.tracker_store is imported")
    package.__path__ = []  # a package with no submodules to find
    collection = types.ModuleType("pymongo.collection", package.__doc__)
    collection.Collection = _MongoCollectionStandIn  # type: ignore[attr-defined]
    package.collection = collection  # type: ignore[attr-defined]
    stand_ins = {"pymongo": package, "pymongo.collection": collection}
    sys.modules.update(stand_ins)
    try:
        import rasa.core.tracker_store as tracker_store
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    if vars(tracker_store).get("Collection") is _MongoCollectionStandIn:
        del tracker_store.Collection
        tracker_store.__getattr__ = _tracker_store_module_getattr


_CREATE_STORE: List[Callable[..., Any]] = []  # Rasa's own TrackerStore.create


def tracker_store_create() -> Callable[..., Any]:
    """Rasa's own TrackerStore.create (before the patch), for the equivalence test."""
    from rasa.core.tracker_store import TrackerStore

    return _CREATE_STORE[0] if _CREATE_STORE else TrackerStore.create


def _store_connection_errors() -> Tuple[Type[BaseException], ...]:
    """The errors TrackerStore.create reports as ConnectionException. pymongo's two only when
    pymongo.errors is imported: an error of one of its classes cannot exist before."""
    import sqlalchemy.exc
    from botocore.exceptions import BotoCoreError

    errors: Tuple[Type[BaseException], ...] = (BotoCoreError, sqlalchemy.exc.OperationalError, ConnectionError)
    pymongo_errors = sys.modules.get("pymongo.errors")
    if pymongo_errors is not None:
        errors += (pymongo_errors.ConnectionFailure, pymongo_errors.OperationFailure)
    return errors


def _create_store(obj: Any, domain: Any = None, event_broker: Any = None) -> Any:
    """TrackerStore.create, which imports pymongo.errors before creating any store only to
    name two of the errors it reports as ConnectionException; here they are looked up when an
    error is raised. The same store, and the same errors, as Rasa's own."""
    from rasa.core.tracker_store import TrackerStore, create_tracker_store
    from rasa.plugin import plugin_manager
    from rasa.shared.exceptions import ConnectionException

    if isinstance(obj, TrackerStore):
        return obj
    try:
        _tracker_store = plugin_manager().hook.create_tracker_store(
            endpoint_config=obj, domain=domain, event_broker=event_broker
        )
        return _tracker_store if _tracker_store else create_tracker_store(obj, domain, event_broker)
    except Exception as error:
        if isinstance(error, _store_connection_errors()):
            raise ConnectionException("Cannot connect to tracker store." + str(error)) from error
        raise


# --- Applying ------------------------------------------------------------------------------

_applied: List[bool] = []


def applied() -> bool:
    return bool(_applied)


def apply(version: Callable[[str], str] = importlib.metadata.version) -> None:
    """Check the versions, then make the process-wide patches; a second call does nothing."""
    if _applied:
        return
    check_versions(version)
    leave_jax_unimported()  # before anything imports TensorFlow
    if "skops.io._trusted_types" not in sys.modules:  # must come before skops is first imported
        sys.meta_path.insert(0, _SkopsTrustedTypesHook())
    if not _LOADED_ON_FIRST_USE & set(sys.modules):  # before anything imports them
        sys.meta_path.insert(0, _LoadOnFirstUse())
    _import_tracker_store_without_pymongo()  # before anything else imports Rasa's tracker store

    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.core.processor import MessageProcessor
    from rasa.core.tracker_store import TrackerStore
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.shared.core import events

    _CREATE_TRACKER_STORE.append(Agent._create_tracker_store)
    # Rasa ships no type information (pyproject.toml): these assignments are not type-checked.
    Agent._create_tracker_store = staticmethod(_create_tracker_store)
    _DASK_RUN.append(DaskGraphRunner.run)
    DaskGraphRunner.run = run_graph
    RemoteAction._validate_action_result = _validate_action_result
    _RESOLVE_BY_TYPE.append(events.Event.resolve_by_type)
    events.Event.resolve_by_type = staticmethod(_resolve_by_type)
    _GET_POSSIBLE_KEYS.append(RulePolicy._get_possible_keys)
    RulePolicy._get_possible_keys = _get_possible_keys
    _PARSE_WITH_GRAPH.append(MessageProcessor._parse_message_with_graph)
    MessageProcessor._parse_message_with_graph = _parse_message_with_graph
    _CREATE_STORE.append(TrackerStore.create)
    TrackerStore.create = staticmethod(_create_store)
    _applied.append(True)


def main() -> None:
    """`backcare-rasa`: Rasa's command line with the patches applied first (same arguments)."""
    try:
        apply()
    except PatchVersionError as error:
        sys.exit(f"Cannot start: {error}")
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()
