"""Fixes for per-turn and start-up costs inside Rasa 3.6, applied when the model's custom
components are imported (the Rasa server, `rasa shell`, training).

Each keeps Rasa's behaviour and removes repeated work that profiling showed on every turn
(`make bench` prints the effect):
- The custom-action response check: `jsonschema.validate()` re-checks the schema itself
  before every validation; here the validator is built once and only the response is checked.
- Event deserialisation: `Event.resolve_by_type` walks every Event subclass for every stored
  event; here the lookup is a dictionary, falling back to Rasa's walk for unknown names.
- The graph runner: Rasa runs the NLU pipeline and the policies as a dask graph, and
  dask's scheduler cost about a tenth of a turn for graphs of a few nodes in a chain. The
  same nodes are called in dependency order directly, with the same inputs and outputs.
- Start-up: skops (which loads the intent classifier) lists the module of every numpy and
  scipy ufunc when first imported, searching all of sys.modules with getattr for each; with
  TensorFlow loaded that took 11 of the server's 21 s. The same first-match search over
  the modules' own dictionaries gives the same names (checked) in under a second.

One change of behaviour, on purpose (issue 17): Rasa's Agent wraps every tracker store in a
FailSafeTrackerStore, which answers from a new, empty conversation when a read fails and
saves to memory nothing reads again when a save fails. A store that says it handles its own
failures (`handles_its_own_failures = True`, stores/tracker_store.py) is used as it is, so
its errors reach the channel; any other store is wrapped as Rasa does. With a working store
both give the same conversations (tests/test_tracker_store.py).

These patches are written against one Rasa version: any other stops the server at start-up.
"""
from __future__ import annotations

import functools
import importlib.abc
import sys
from typing import Any, Callable, Dict, List, Optional, Text, Type

import jsonschema
import rasa
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core import events as rasa_events
from rasa.shared.utils.common import all_subclasses


@functools.lru_cache(maxsize=None)
def _action_response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    try:
        _action_response_validator().validate(result)
    except jsonschema.ValidationError as error:
        error.message += ". Failed to validate Action server response from API."
        raise
    return True


_resolve_by_type_uncached = rasa_events.Event.resolve_by_type


@functools.lru_cache(maxsize=None)
def _event_classes() -> Dict[Text, Type[rasa_events.Event]]:
    classes: Dict[Text, Type[rasa_events.Event]] = {}
    for cls in all_subclasses(rasa_events.Event):
        classes.setdefault(cls.type_name, cls)  # first match wins, as in Rasa's walk
    return classes


def _resolve_by_type(
    type_name: Text, default: Optional[Type[rasa_events.Event]] = None
) -> Optional[Type[rasa_events.Event]]:
    cls = _event_classes().get(type_name)
    return cls if cls is not None else _resolve_by_type_uncached(type_name, default)


def _fast_whichmodule(slow: Callable[[Any, Text], Text]) -> Callable[[Any, Text], Text]:
    def whichmodule(obj: Any, name: Text) -> Text:
        module_name = getattr(obj, "__module__", None)
        if module_name is not None:
            return module_name
        if "." not in name:
            for module_name, module in sys.modules.copy().items():
                if module_name in ("__main__", "__mp_main__") or module is None:
                    continue
                if getattr(module, "__dict__", {}).get(name) is obj:
                    return module_name
        return slow(obj, name)  # dotted names, or found nowhere: skops' own search

    whichmodule.slow = slow  # type: ignore[attr-defined]
    return whichmodule


class _SkopsTrustedTypesHook(importlib.abc.MetaPathFinder):
    """Swaps in the fast search just before skops.io._trusted_types runs (skops.io._utils,
    which it uses, is loaded by then); imports nothing itself."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> None:
        if fullname == "skops.io._trusted_types":
            utils = sys.modules.get("skops.io._utils")
            if utils is not None and not hasattr(utils.whichmodule, "slow"):
                utils.whichmodule = _fast_whichmodule(utils.whichmodule)
        return None  # the normal finders do the import


DASK_RUN = DaskGraphRunner.run  # Rasa's own, kept for the test that compares the two


def _run_graph(
    self: DaskGraphRunner, inputs: Optional[Dict[Text, Any]] = None, targets: Optional[List[Text]] = None
) -> Dict[Text, Any]:
    """DaskGraphRunner.run without dask: each needed node once, after what it needs."""
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


RASA_VERSION = "3.6.21"
RASA_CREATE_TRACKER_STORE = Agent._create_tracker_store  # Rasa's own: wraps in FailSafeTrackerStore


def _create_tracker_store(store: Any, domain: Any) -> Any:
    if getattr(store, "handles_its_own_failures", False):
        store.domain = domain
        return store
    return RASA_CREATE_TRACKER_STORE(store, domain)


def check_rasa_version(version: Text = rasa.__version__) -> None:
    if version != RASA_VERSION:
        raise RuntimeError(
            f"components/runtime_tuning.py patches Rasa {RASA_VERSION} internals, but Rasa {version} "
            "is installed. Check each patch against the new version, then update RASA_VERSION.")


def apply() -> None:
    check_rasa_version()
    Agent._create_tracker_store = staticmethod(_create_tracker_store)  # type: ignore[assignment]
    DaskGraphRunner.run = _run_graph  # type: ignore[assignment]
    if "skops.io._trusted_types" not in sys.modules and not any(
        isinstance(finder, _SkopsTrustedTypesHook) for finder in sys.meta_path
    ):
        sys.meta_path.insert(0, _SkopsTrustedTypesHook())
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]
    rasa_events.Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[assignment]
