"""patches.py: each patch keeps Rasa's behaviour, none is applied by importing the project's
code, and a version other than the one a patch was proved on stops the server."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core import events
from rasa.shared.utils.common import all_subclasses

import patches
from backcare.clarify import wants_reading_with_message_before
from backcare.contract import WITH_MESSAGE_BEFORE
from tests.support.process import run_script

ACTION = RemoteAction("action_answer", None)


def test_valid_action_responses_pass() -> None:
    result = {
        "events": [{"event": "slot", "name": "topic", "value": "effectiveness"}],
        "responses": [{"text": "hello", "buttons": []}],
    }
    assert ACTION._validate_action_result(result)


@pytest.mark.parametrize(
    "result",
    [
        {"events": [{"name": "topic"}]},  # an event without its type
        {"events": "not a list"},
        {"responses": ["not an object"]},
    ],
)
def test_malformed_action_responses_are_still_rejected(result) -> None:
    with pytest.raises(jsonschema.ValidationError):
        ACTION._validate_action_result(result)


def test_every_event_type_resolves_to_the_class_rasa_would_pick() -> None:
    for cls in all_subclasses(events.Event):
        first = next(c for c in all_subclasses(events.Event) if c.type_name == cls.type_name)
        assert events.Event.resolve_by_type(cls.type_name) is first
    assert events.Event.resolve_by_type("no-such-event", default=events.UserUttered) is events.UserUttered
    with pytest.raises(ValueError):
        events.Event.resolve_by_type("no-such-event")


def test_skops_finds_the_same_type_names_as_its_own_search(monkeypatch) -> None:
    import numpy as np
    import scipy.special
    from skops.io import _trusted_types, _utils

    assert hasattr(_utils.whichmodule, "slow"), "skops was imported before patches.apply()"
    monkeypatch.setattr(_utils, "whichmodule", _utils.whichmodule.slow)
    assert _utils.get_public_type_names(module=np, oftype=np.ufunc) == _trusted_types.NUMPY_UFUNC_TYPE_NAMES
    assert _utils.get_public_type_names(module=scipy.special, oftype=np.ufunc) == _trusted_types.SCIPY_UFUNC_TYPE_NAMES


def test_the_direct_graph_runner_gives_dasks_results() -> None:
    """Parses with the trained model through both runners: same intents, confidences, entities."""
    import rasa.engine.runner.dask as dask_runner
    from rasa.core.agent import Agent

    model = Path(__file__).resolve().parent.parent / "models" / "backcare.tar.gz"
    assert model.exists(), "run `make train` (make test does it for you)"
    agent = Agent.load(str(model))
    messages = [
        "does massage help?",
        "is deep tissue safe in pregnancy",
        "I can't feel my legs and my back hurts",
        "no",
        "what's your source?",
        "¿ayuda el masaje?",
        "book me a swedish massage for saturday",
    ]

    def parse_all() -> list:
        return [asyncio.run(agent.parse_message(m)) for m in messages]

    assert dask_runner.DaskGraphRunner.run is patches.run_graph and patches.dask_run() is not patches.run_graph
    direct = parse_all()
    try:
        dask_runner.DaskGraphRunner.run = patches.dask_run()
        through_dask = parse_all()
    finally:
        dask_runner.DaskGraphRunner.run = patches.run_graph
    assert [(p["intent"], p["entities"]) for p in direct] == [(p["intent"], p["entities"]) for p in through_dask]


def _tracker_after(earlier: list[str]) -> Any:
    from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    events = [SessionStarted(), ActionExecuted("action_listen")]
    for text in earlier:
        events += [UserUttered(text), ActionExecuted("action_listen")]
    return DialogueStateTracker.from_events("someone", events)


def test_the_parse_with_earlier_messages_is_rasas_own_for_a_message_with_no_sign() -> None:
    """Through the trained model, a message parsed after others of its conversation: the
    whole parse data is Rasa's own, and the message keeps its metadata, unless together the
    messages tell a sign none of them told alone (then the screen refers it); for a message the
    classifier is unsure of, the parse data also holds Rasa's own parse of it joined to the
    message before it (patches.py)."""
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage

    model = Path(__file__).resolve().parent.parent / "models" / "backcare.tar.gz"
    assert model.exists(), "run `make train` (make test does it for you)"
    processor = Agent.load(str(model)).processor
    own = patches.parse_with_graph()
    assert own is not type(processor)._parse_message_with_graph
    conversations = [
        ["does massage help?", "how much is it?"],
        ["is deep tissue safe in pregnancy", "/affirm", "and after the birth?"],
        ["my mum had cancer last year", "my back's sore from lifting her, can I book a massage?"],
        ["I can't feel my legs and my back hurts", "what should I do?"],
        ["¿ayuda el masaje?", "no"],
        ["what's your source?"],
    ]
    for turns in conversations:
        tracker = _tracker_after(turns[:-1])
        message = UserMessage(turns[-1], metadata={"from": "widget"})
        parsed = processor._parse_message_with_graph(message, tracker)
        with_before = parsed.pop(WITH_MESSAGE_BEFORE, None)
        assert parsed == own(processor, message, tracker), turns
        assert message.metadata == {"from": "widget"}
        # joined to the last message before it that is not a button's payload, only when unsure
        before = [t for t in turns[:-1] if not t.startswith("/")]
        assert (with_before is not None) == bool(before and wants_reading_with_message_before(parsed)), turns
        if with_before is not None:
            joined = own(processor, UserMessage(f"{before[-1]} {turns[-1]}"), _tracker_after([]))
            assert with_before == {"intent_ranking": joined["intent_ranking"][:10]}, turns
    # a follow-up the classifier is unsure of alone: read joined to the question before, it is
    # about the massage types; a message it is sure of is parsed once
    tracker = _tracker_after(["what kinds of massage are good for lower back pain?"])
    message = UserMessage("Are any of those ok for a big lad who likes a firm touch?")
    parsed = processor._parse_message_with_graph(message, tracker)
    assert wants_reading_with_message_before(parsed)
    assert parsed[WITH_MESSAGE_BEFORE]["intent_ranking"][0]["name"] == "massage_types" != parsed["intent"]["name"]
    sure = processor._parse_message_with_graph(UserMessage("how much does a back massage cost?"), tracker)
    assert not wants_reading_with_message_before(sure) and WITH_MESSAGE_BEFORE not in sure
    tracker = _tracker_after(["I had breast cancer a few years ago"])
    message = UserMessage("now my lower back has started hurting, is massage ok?")
    assert processor._parse_message_with_graph(message, tracker)["intent"]["name"] == "red_flag_urgent"
    assert own(processor, message, tracker)["intent"]["name"] != "red_flag_urgent"


ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# Loaded by Python at start-up (sitecustomize on PYTHONPATH): the installed Rasa reports 3.6.22.
ANOTHER_RASA = """
import importlib.metadata
_installed = importlib.metadata.version
importlib.metadata.version = lambda name: "3.6.22" if name == "rasa" else _installed(name)
"""


def test_another_rasa_version_stops_the_server_with_a_message_naming_the_patch(tmp_path: Path) -> None:
    (tmp_path / "sitecustomize.py").write_text(ANOTHER_RASA)
    started = time.monotonic()
    server = subprocess.run(
        [
            str(BIN / "backcare-rasa"),
            "run",
            "--model",
            str(ROOT / "models" / "backcare.tar.gz"),
            "--interface",
            "127.0.0.1",
            "--port",
            "9",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert server.returncode == 1
    assert server.stdout == ""
    message = server.stderr.strip().splitlines()
    assert (
        message[0] == "Cannot start: patches.py changes other packages' internals and will not load them "
        "on versions they were not proved on:"
    )
    named = [line for line in message if line.startswith("- ")]
    assert named[0] == (
        '- patch "tracker store used as it is" (rasa.core.agent.Agent._create_tracker_store) '
        "was proved on rasa 3.6.21, but rasa 3.6.22 is installed"
    )
    assert len(named) == sum("rasa" in patch.packages for patch in patches.PATCHES)
    assert all("rasa 3.6.21, but rasa 3.6.22 is installed" in line for line in named)
    assert time.monotonic() - started < 30  # stopped before Rasa was even imported


def test_the_patches_are_proved_on_the_pinned_versions() -> None:
    pins = dict(
        line.strip().split("==")
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    assert {package: pins[package] for package in patches.PROVED_ON} == patches.PROVED_ON
    assert {package for patch in patches.PATCHES for package in patch.packages} == set(patches.PROVED_ON)
    for patch in patches.PATCHES:
        test_file = patch.proved_by.split("::")[0]
        assert (ROOT / test_file).is_file(), patch.name
        if "::" in patch.proved_by:
            assert f"def {patch.proved_by.split('::')[1]}(" in (ROOT / test_file).read_text(), patch.name


NOTHING_APPLIED_ON_IMPORT = """
import components.intent_classifier, components.question_focus, components.red_flag_screen
import channels.clinic_socketio, stores.tracker_store, stores.lock_store
from rasa.core.agent import Agent
from rasa.engine.runner.dask import DaskGraphRunner
import patches
assert not patches.applied()
assert DaskGraphRunner.run.__module__ == "rasa.engine.runner.dask"
assert Agent._create_tracker_store.__module__ == "rasa.core.agent"
try:
    stores.tracker_store.FastSQLTrackerStore(None, dialect="sqlite", db=":memory:")
except RuntimeError as error:
    print(error)
"""


def test_importing_the_projects_code_patches_nothing_and_the_store_says_how_to_start() -> None:
    run = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", NOTHING_APPLIED_ON_IMPORT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout == (
        "FastSQLTrackerStore reports its own failures only once patches.py is applied (otherwise Rasa wraps it in "
        "FailSafeTrackerStore, which answers from an empty conversation when a read fails): start Rasa with "
        "`backcare-rasa` (same arguments as `rasa`).\n"
    )


def _action_replies() -> list:
    """Replies like the action server's (every kind of event it may send), and broken ones."""
    sent = [
        events.SlotSet("topic", "effectiveness"),
        events.SlotSet("suggested_topics", ["benefits", "self_care"]),
        events.SlotSet("last_answer", None),
        events.BotUttered("hello", {"buttons": [{"title": "Yes", "payload": "/affirm"}]}),
        events.FollowupAction("utter_greet"),
        events.ActionExecuted("action_listen"),
        events.UserUttered("hi", {"name": "greet", "confidence": 1.0}),
        events.SessionStarted(),
        events.Restarted(),
        events.AllSlotsReset(),
        events.ActiveLoop(None),
        events.ConversationPaused(),
        events.UserUtteranceReverted(),
        events.ActionReverted(),
    ]
    replies: list = [{"events": [], "responses": []}, {}]
    for n, event in enumerate(sent):
        data = event.as_dict()
        replies.append({"events": [data], "responses": [{"text": f"answer {n}", "buttons": []}]})
        replies.append({"events": [data, sent[0].as_dict()], "responses": []})
        broken = dict(data)
        broken.pop("event")
        replies.append({"events": [broken]})  # an event without its type
        replies.append({"events": [{**data, "event": 3}]})
        replies.append({"events": [data], "responses": [f"answer {n}"]})  # a response that is not an object
        replies.append({"events": [data]})
        replies.append({"events": (data,)})  # dumps as the list above does, but is not a JSON array
        replies.append({"events": [data], "responses": [{"text": n}]})
    replies += [{"events": "not a list"}, {"events": [None]}, {"responses": None}, {"events": [{"event": "slot"}]}]
    return replies


def test_a_reply_found_valid_before_is_judged_as_jsonschema_judges_it() -> None:
    """The check remembers replies it found valid (as canonical JSON): asked once or again,
    it accepts and rejects exactly the replies jsonschema does against Rasa's own schema."""
    schema = RemoteAction.action_response_format_spec()
    accepted = rejected = 0
    for reply in _action_replies():
        try:
            jsonschema.validate(reply, schema)
            valid = True
        except jsonschema.ValidationError:
            valid = False
        for _ in range(2):  # the second time from the remembered replies
            if valid:
                assert ACTION._validate_action_result(reply)
            else:
                with pytest.raises(jsonschema.ValidationError):
                    ACTION._validate_action_result(reply)
        accepted += valid
        rejected += not valid
        if patches._plain_json(reply):  # (a tuple's dump is its list twin's)
            assert (json.dumps(reply, sort_keys=True) in patches._VALID_ACTION_RESULTS) == valid
    assert accepted > 20 and rejected > 40


MODES = ("plain", "patched")


# Loads the trained model and parses a few messages; prints what the server would: the
# parses, whether jax was imported, and the process's peak memory.
LOAD_AND_PARSE = """
import asyncio, json, sys
if sys.argv[1] == "patched":
    import patches
    patches.leave_jax_unimported()
from rasa.core.agent import Agent
agent = Agent.load(sys.argv[2])
parses = [asyncio.run(agent.parse_message(m)) for m in json.loads(sys.argv[3])]
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({
    "parses": [[p["intent"], p["intent_ranking"], p["entities"]] for p in parses],
    "jax": "jax" in sys.modules and sys.modules["jax"] is not None,
    "peak_mb": peak / 1024,
}))
"""


def test_the_server_loads_without_jax_and_answers_the_same() -> None:
    """TensorFlow's optional jax import is left out: the same parses from the trained model
    (intents, confidences, entities), jax never loaded, and a lower peak memory."""
    model = ROOT / "models" / "backcare.tar.gz"
    assert model.exists(), "run `make train` (make test does it for you)"
    messages = ["does massage help?", "is deep tissue safe in pregnancy", "my back hurts and I can't pee", "no"]

    plain, patched = (run_script(LOAD_AND_PARSE, mode, str(model), json.dumps(messages)) for mode in MODES)
    assert plain["jax"] and not patched["jax"]
    assert patched["parses"] == plain["parses"]
    assert plain["peak_mb"] - patched["peak_mb"] > 30, (plain["peak_mb"], patched["peak_mb"])


# What `rasa run` imports and loads (rasa.server, the trained model, a tracker store made by
# TrackerStore.create), with every patch applied or with jax left out alone; prints the parses,
# the store's class, whether pymongo and matplotlib were imported, and the process's peak
# memory; then, in the patched process, uses both.
LOAD_SERVER_AND_PARSE = """
import asyncio, json, sys, tempfile
from pathlib import Path
import patches
if sys.argv[1] == "patched":
    patches.apply()
else:
    patches.leave_jax_unimported()
import rasa.server
from rasa.core.agent import Agent
from rasa.core.tracker_store import TrackerStore
from rasa.utils.endpoints import EndpointConfig
work = Path(tempfile.mkdtemp())
store = TrackerStore.create(EndpointConfig(type="sql", dialect="sqlite", db=str(work / "t.db")))
agent = Agent.load(sys.argv[2], tracker_store=store)
parses = [asyncio.run(agent.parse_message(m)) for m in json.loads(sys.argv[3])]
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
loaded = {name: name in sys.modules for name in ("pymongo", "matplotlib")}
used = {}
if sys.argv[1] == "patched":
    import numpy, pymongo.collection, rasa.core.tracker_store, rasa.utils.plotting
    matrix = numpy.array([[3, 1], [0, 2]])
    rasa.utils.plotting.plot_confusion_matrix(matrix, ["a", "b"], output_file=str(work / "m.png"))
    used = {
        "plot_drawn": (work / "m.png").stat().st_size > 1000,
        "collection": rasa.core.tracker_store.Collection is pymongo.collection.Collection,
    }
print(json.dumps({
    "parses": [[p["intent"], p["intent_ranking"], p["entities"]] for p in parses],
    "store": type(store).__name__,
    "loaded": loaded,
    "used": used,
    "peak_mb": peak / 1024,
}))
"""


def test_the_server_loads_without_pymongo_or_matplotlib_and_answers_the_same() -> None:
    """pymongo (for a Mongo store) and matplotlib (for `rasa test`'s plots) are not loaded by a
    server: the same parses and the same SQL store, neither package imported, a peak memory
    lower by more than 5 MB (about 10 measured); and both still work when used (a plot drawn,
    pymongo's Collection found)."""
    model = ROOT / "models" / "backcare.tar.gz"
    assert model.exists(), "run `make train` (make test does it for you)"
    messages = ["does massage help?", "is deep tissue safe in pregnancy", "my back hurts and I can't pee", "no"]

    plain, patched = (run_script(LOAD_SERVER_AND_PARSE, mode, str(model), json.dumps(messages)) for mode in MODES)
    assert plain["loaded"] == {"pymongo": True, "matplotlib": True}
    assert patched["loaded"] == {"pymongo": False, "matplotlib": False}
    assert patched["used"] == {"plot_drawn": True, "collection": True}
    assert patched["parses"] == plain["parses"]
    assert patched["store"] == plain["store"] == "SQLTrackerStore"
    assert plain["peak_mb"] - patched["peak_mb"] > 5, (plain["peak_mb"], patched["peak_mb"])


class FailingStore:
    """A custom tracker store (endpoints.yml `type: module.Class`) whose construction fails
    with the error its `fails_with` names."""

    def __init__(self, host: Any = None, domain: Any = None, event_broker: Any = None, fails_with: str = "") -> None:
        import botocore.exceptions
        import pymongo.errors
        import sqlalchemy.exc

        raise {
            "mongo down": pymongo.errors.ConnectionFailure("mongo is down"),
            "mongo refused": pymongo.errors.OperationFailure("not authorised"),
            "sql locked": sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("database is locked")),
            "refused": ConnectionRefusedError("connection refused"),
            "aws": botocore.exceptions.NoCredentialsError(),
            "bad value": ValueError("a bad setting"),
            "key": KeyError("missing"),
        }[fails_with]


STORE_ERRORS = ["mongo down", "mongo refused", "sql locked", "refused", "aws", "bad value", "key"]


@pytest.mark.parametrize("fails_with", STORE_ERRORS)
def test_tracker_store_create_gives_rasas_errors(fails_with: str) -> None:
    """A store whose construction fails: the same error as Rasa's own TrackerStore.create
    (ConnectionException for the connection errors, caused by the store's error; others as
    they were raised)."""
    from rasa.core.tracker_store import TrackerStore
    from rasa.utils.endpoints import EndpointConfig

    config = EndpointConfig(type=f"{__name__}.FailingStore", fails_with=fails_with)
    outcomes = []
    for create in (patches.tracker_store_create(), TrackerStore.create):
        with pytest.raises(Exception) as raised:
            create(config)
        error = raised.value
        outcomes.append((type(error), str(error), type(error.__cause__), str(error.__cause__)))
    assert outcomes[0] == outcomes[1]
    wrapped = fails_with not in ("bad value", "key")
    assert (outcomes[1][0].__name__ == "ConnectionException") == wrapped, outcomes[1]


def test_tracker_store_create_gives_rasas_stores(tmp_path: Path) -> None:
    """A store object as it is, none as an in-memory store, an SQL endpoint as Rasa's SQL store."""
    from rasa.core.tracker_store import InMemoryTrackerStore, TrackerStore
    from rasa.utils.endpoints import EndpointConfig

    assert patches.tracker_store_create() is not TrackerStore.create  # the patch is in place
    given = InMemoryTrackerStore(None)
    for create in (patches.tracker_store_create(), TrackerStore.create):
        assert create(given) is given
        assert type(create(None)).__name__ == "InMemoryTrackerStore"
        sql = create(EndpointConfig(type="sql", dialect="sqlite", db=str(tmp_path / f"{id(create)}.db")))
        assert type(sql).__name__ == "SQLTrackerStore"
        assert (tmp_path / f"{id(create)}.db").exists()
