"""Answer, ask, or say it is out of scope: the decision for a turn from the classifier's ranking.

- A short follow-up ("and if it still hurts in three months?") is read with the topic of
  the previous answer: if that topic is ranked close enough to the top, it stays.
- A follow-up with no topic of its own ("why?", "does it hurt?", "how long does that last?":
  the classifier's intent ``about_previous_answer``, when it ranks first) counts for the
  previous answer's topic.
- A short follow-up that only adds a condition to the previous question ("and if it's been
  two months already?", "even if I run every day?", "what about when I lift things?") and
  asks nothing of its own stays on the previous answer's topic however the classifier ranks
  it (``Continuation``), unless it asks to book or to talk to a person.
- Some short follow-ups mean something that depends on the previous topic
  (``TopicFollowUp``): "how often?" after the foam-roller advice asks how often to roll, not
  how often to have massage; "how though?" after whether massage helps asks how it works.
- A short follow-up to an answer about one condition or massage type that names none (nor
  another body part) is about that one: "so is it safe for me then?" after the advice on
  arthritis is answered for arthritis (``carried_entity``). One that names a new condition or
  type asks the same question of it ("and if it's osteoporosis?"), unless the classifier reads
  a question that the entity does not refine (backcare/routing.py): "how much does a pregnancy
  massage cost?" after the pregnancy advice asks the price.
- A short follow-up that names one condition or massage type and that the classifier places in
  no topic ("I'm 30 weeks pregnant so I can't" after whether one lies face down) asks about that
  one.
- A follow-up the classifier is unsure of, which the rules above would take away from the
  previous answer, stays on it when the message read joined to the one before it reads as that
  answer's topic and the message alone still gives that topic a little ("Any of those ok for a
  big lad who likes it firm?" after the massage types: ``with_message_before``).
- When the top topics are close, or the top one is unsure, the bot asks which one is meant
  (2-3 topics as buttons plus "something else") instead of guessing.
- Right after a scope notice, a short message that names nothing of the domain ("whats the pay
  like" after "are you hiring?", "and with alcohol?" after the medicines notice) gets the same
  notice; right after the other-body-part notice, "what about my lower back then?" asks the
  question before again for the lower back (``BackAgain``).
- A short follow-up that opens by adding a case ("and in truck drivers?"), or an elliptical one
  ("what speed setting?", "can I bring my own music?"), that the classifier places in no topic,
  naming nothing of the domain nor another world, goes on with the previous answer's topic.
- A message the classifier cannot place among the topics gets the out-of-scope notice, and so
  does one the scope check (backcare/scope.py) finds off topic or about another body part,
  unless the classifier is sure of its topic.

The thresholds live in knowledge/clarify.yml; scripts/clarify_trade.py shows how accuracy of
the answered questions trades against the clarify rate on the held-out sets.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection, Mapping, Sequence

from backcare.contract import FOLLOW_UP_INTENT, RED_FLAG_INTENTS, SCOPE_REASON_OF_INTENT, ScopeReason, Slot, Topic
from backcare.knowledge import KnowledgeBase
from backcare.routing import REFINED_BY_ENTITY_TOPIC, Choice, choose_entry
from backcare.scope import Finding
from backcare.yamlfile import DataFileError, read_mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CLARIFY_PATH = PROJECT_ROOT / "knowledge" / "clarify.yml"

FALLBACK_INTENT = "nlu_fallback"
# The knowledge-base topic that weighs massage against medication (topics.md)
COMPARISON_TOPIC = "medication_comparison"
_WORD = re.compile(r"[A-Za-z0-9']+")


@dataclass(frozen=True)
class Thresholds:
    min_confidence: float  # the top topic below this: ask
    min_margin: float  # the top topic less than this ahead of the next: ask
    min_choice_confidence: float  # a third choice (and any choice after a fallback) needs this
    max_choices: int
    follow_up_max_words: int  # a follow-up is at most this long ...
    follow_up_min_share: float  # ... and the previous topic scores at least this share of the top
    # a follow-up the classifier places in no topic, naming nothing of the domain or another
    # world, stays on the previous topic up to this many words ("what speed setting?")
    elliptical_max_words: int
    # "any proof?" after one massage type gets the general evidence answer (NOT_NARROWED_BY_CARRIED)
    # when the classifier reads that question with at least this confidence
    general_answer_min_confidence: float
    # A follow-up read after the message before it (``with_message_before``) stays on the
    # previous topic when that reading gives the topic at least the first, the message alone at
    # least the second, and the message alone is less sure than the third of its own top intent.
    with_before_min_confidence: float
    with_before_own_min_confidence: float
    with_before_own_max_confidence: float


@dataclass(frozen=True)
class Continuation:
    """A follow-up that only continues the previous question (knowledge/clarify.yml)."""

    starts: re.Pattern[str]  # how it begins: "and if", "what about when", "even if", "for how long" ...
    own_question: re.Pattern[str]  # a question of its own after the opening: "can I", "how much" ...
    requests: frozenset[str]  # intents that are requests, never a continuation (booking ...)
    # how a message that adds one more case begins: "and in ...", "also for ...", "what about ..."
    adds_case: re.Pattern[str]
    # a message that says it changes the subject: "unrelated, but ...", "different question, ..."
    changes_subject: re.Pattern[str]

    def continues(self, text: str) -> bool:
        """True for "and if it's been two months already?", False for "and if they say it's
        fine, can I book?" (a question of its own)."""
        lowered = (text or "").strip().lower()
        opening = self.starts.search(lowered)
        return opening is not None and not self.own_question.search(lowered, opening.end())

    def opens_with_a_case(self, text: str) -> bool:
        """True for "and in truck drivers?", "also for the old people?", "what about picking
        up my toddler?": it opens like a message that adds one more case to the question before."""
        return self.adds_case.search((text or "").strip().lower()) is not None

    def changes_the_subject(self, text: str) -> bool:
        """True for "Thanks. Unrelated, but do you know a good dentist?", "random q but ...":
        the message says it is not about the answer before, so it is read as a first message."""
        return self.changes_subject.search((text or "").strip().lower()) is not None


@dataclass(frozen=True)
class FollowUpReading:
    """What a follow-up rule reads a message as: ``topic``, and the scope check's findings it
    holds against (``over``): "off_topic" where its new words are from another world
    ("even small stuff like shopping bags?"), "other_body_part" where it names another body
    part that belongs to the previous answer ("through the feet though??" after reflexology)."""

    topic: str
    over: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TopicFollowUp:
    """A short follow-up whose meaning depends on the previous answer's topic
    (knowledge/clarify.yml, ``follow_ups_by_topic``): after one of ``after`` (any topic when
    None), a message that ``asks`` this (and not ``not_when``) is about ``topic``, or about the
    previous topic itself when ``topic`` is None."""

    after: frozenset[str] | None
    asks: re.Pattern[str]
    not_when: re.Pattern[str] | None
    topic: str | None
    over: frozenset[str] = frozenset()

    def reading(self, text: str, previous_topic: str | None) -> FollowUpReading | None:
        if previous_topic is None or (self.after is not None and previous_topic not in self.after):
            return None
        lowered = (text or "").strip().lower()
        if not self.asks.search(lowered) or (self.not_when is not None and self.not_when.search(lowered)):
            return None
        return FollowUpReading(self.topic or previous_topic, self.over)


def follow_up_reading(rules: Sequence[TopicFollowUp], text: str, previous_topic: str | None) -> FollowUpReading | None:
    """The reading of the first rule that applies to this follow-up, if any."""
    return next((r for rule in rules if (r := rule.reading(text, previous_topic)) is not None), None)


@dataclass(frozen=True)
class BackAgain:
    """After the other-body-part notice, a short message that asks about the lower back instead
    ("what about my lower back then?", knowledge/clarify.yml ``back_again``) asks the question
    before again, for the lower back: the topic its words ask (``questions``: "does massage help
    my neck?" asks whether massage helps), read from that question's words because the
    classifier read it as another body part."""

    asks: re.Pattern[str]
    questions: tuple[tuple[re.Pattern[str], str], ...]  # (words of the question, its topic)
    own_question: re.Pattern[str]  # a question of its own after the opening (Continuation's)

    def topic(self, text: str, question_before: str | None) -> str | None:
        """A message that asks a question of its own after naming the back ("ok and for the
        lower back, how often?") is read by that question's words instead."""
        lowered = (text or "").strip().lower()
        opening = self.asks.search(lowered)
        if opening is None or not question_before:
            return None
        rest = lowered[opening.end() :]
        question = rest if self.own_question.search(rest) else question_before.lower()
        return next((topic for words, topic in self.questions if words.search(question)), None)


@dataclass(frozen=True)
class Decision:
    kind: str  # "answer", "clarify" or "out_of_scope"
    topic: str | None = None  # the topic to answer ("answer")
    choices: tuple[str, ...] = ()  # the topics offered ("clarify")
    scope_reason: str | None = None  # "out_of_scope"


def reads_the_domain(words: int, thresholds: Thresholds, adds_case: bool, notice_before: str | None = None) -> bool:
    """Whether ``decide`` reads its ``names_domain`` for this message: right after a scope
    notice, in a message that adds a case, or in an elliptical one. Elsewhere the scope check's
    word search can be skipped (pass True)."""
    return notice_before is not None or adds_case or words <= thresholds.elliptical_max_words


def load_thresholds(path: Path = CLARIFY_PATH) -> Thresholds:
    data = read_mapping(path, "thresholds")
    try:
        return Thresholds(
            min_confidence=float(data["min_confidence"]),
            min_margin=float(data["min_margin"]),
            min_choice_confidence=float(data["min_choice_confidence"]),
            max_choices=int(data["max_choices"]),
            follow_up_max_words=int(data["follow_up_max_words"]),
            follow_up_min_share=float(data["follow_up_min_share"]),
            elliptical_max_words=int(data["elliptical_max_words"]),
            general_answer_min_confidence=float(data["general_answer_min_confidence"]),
            with_before_min_confidence=float(data["with_before_min_confidence"]),
            with_before_own_min_confidence=float(data["with_before_own_min_confidence"]),
            with_before_own_max_confidence=float(data["with_before_own_max_confidence"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DataFileError(f"{path}: thresholds need {exc}") from exc


def load_continuation(path: Path = CLARIFY_PATH) -> Continuation:
    data = read_mapping(path).get("follow_up_continuation")
    if not isinstance(data, dict):
        raise DataFileError(
            f"{path}: 'follow_up_continuation' must have starts, own_question, requests, adds_case and changes_subject"
        )
    try:
        return Continuation(
            starts=re.compile(str(data["starts"])),
            own_question=re.compile(str(data["own_question"])),
            requests=frozenset(str(intent) for intent in data["requests"]),
            adds_case=re.compile(str(data["adds_case"])),
            changes_subject=re.compile(str(data["changes_subject"])),
        )
    except (KeyError, TypeError) as exc:
        raise DataFileError(f"{path}: follow_up_continuation needs {exc}") from exc
    except re.error as exc:
        raise DataFileError(f"{path}: follow_up_continuation has a broken pattern: {exc}") from exc


def load_topic_follow_ups(path: Path = CLARIFY_PATH) -> tuple[TopicFollowUp, ...]:
    data = read_mapping(path).get("follow_ups_by_topic")
    if not isinstance(data, list) or not data:
        raise DataFileError(f"{path}: 'follow_ups_by_topic' must be a list of rules (after, asks, not_when, topic)")
    rules = []
    for n, rule in enumerate(data, 1):
        try:
            not_when = rule.get("not_when")
            after = rule["after"]
            if after != "any" and not isinstance(after, list):
                raise TypeError("'after': a list of topic ids or 'any'")
            rules.append(
                TopicFollowUp(
                    after=None if after == "any" else frozenset(str(topic) for topic in after),
                    asks=re.compile(str(rule["asks"])),
                    not_when=re.compile(str(not_when)) if not_when else None,
                    topic=str(rule["topic"]) if rule.get("topic") else None,
                    over=_over(rule.get("over"), path, n),
                )
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise DataFileError(f"{path}: follow_ups_by_topic rule {n} needs {exc}") from exc
        except re.error as exc:
            raise DataFileError(f"{path}: follow_ups_by_topic rule {n} has a broken pattern: {exc}") from exc
    return tuple(rules)


def _over(value: object, path: Path, n: int) -> frozenset[str]:
    """A rule's ``over``: scope reasons (knowledge/clarify.yml), none when absent."""
    reasons = {ScopeReason.OFF_TOPIC, ScopeReason.OTHER_BODY_PART}
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not set(map(str, value)) <= reasons:
        raise DataFileError(f"{path}: follow_ups_by_topic rule {n}: 'over' must list some of {sorted(reasons)}")
    return frozenset(map(str, value))


def load_back_again(path: Path = CLARIFY_PATH) -> BackAgain:
    data = read_mapping(path).get("back_again")
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list) or not data["questions"]:
        raise DataFileError(f"{path}: 'back_again' must have asks and a list of questions (words, topic)")
    try:
        return BackAgain(
            asks=re.compile(str(data["asks"])),
            questions=tuple((re.compile(str(q["words"])), str(q["topic"])) for q in data["questions"]),
            own_question=load_continuation(path).own_question,
        )
    except (KeyError, TypeError) as exc:
        raise DataFileError(f"{path}: back_again needs {exc}") from exc
    except re.error as exc:
        raise DataFileError(f"{path}: back_again has a broken pattern: {exc}") from exc


def load_topic_after_notice(path: Path = CLARIFY_PATH) -> dict[str, str]:
    """Scope reason -> the topic a follow-up of that notice is read with."""
    data = read_mapping(path).get("follow_up_topic_after_notice")
    if not isinstance(data, dict):
        raise DataFileError(f"{path}: 'follow_up_topic_after_notice' must map a scope reason to a topic id")
    return {str(reason): str(topic) for reason, topic in data.items()}


def load_entity_topics(path: Path = CLARIFY_PATH) -> dict[str, str]:
    """Entity -> the topic about it, for follow-ups that name a new one."""
    data = read_mapping(path).get("follow_up_entity_topics")
    if not isinstance(data, dict) or not data:
        raise DataFileError(f"{path}: 'follow_up_entity_topics' must map an entity to a topic id")
    return {str(entity): str(topic) for entity, topic in data.items()}


def load_vague_opener_topics(path: Path = CLARIFY_PATH) -> tuple[str, ...]:
    topics = read_mapping(path).get("vague_opener_topics")
    if not isinstance(topics, list) or not topics:
        raise DataFileError(f"{path}: 'vague_opener_topics' must be a list of topic ids")
    return tuple(str(t) for t in topics)


def word_count(text: str) -> int:
    return len(_WORD.findall(text or ""))


def without_red_flags(ranking: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
    """The ranking once the red-flag screen has found no sign: the classifier's red-flag
    guesses dropped and the rest scaled to sum as before (P(topic | no red flag)), so a
    long pain story the classifier half-read as a sign is as sure of its topic as it would
    be without that guess."""
    kept = [(name, confidence) for name, confidence in ranking if name not in RED_FLAG_INTENTS]
    total = sum(confidence for _, confidence in ranking)
    rest = sum(confidence for _, confidence in kept)
    if rest <= 0.0 or rest >= total:
        return kept
    scale = total / rest
    return [(name, confidence * scale) for name, confidence in kept]


def with_previous_answer(
    ranking: Sequence[tuple[str, float]], previous_topic: str | None, topics: Collection[str]
) -> list[tuple[str, float]]:
    """The ranking with the follow-up intent ("why?", "does it hurt?", "how long does that
    last?": about whatever the previous answer said) resolved. When it is the classifier's
    best reading and a topic was answered before, its confidence is added to that topic's
    (best first again). Otherwise it is dropped: a topic's words ranked higher ("how much does
    that cost?" is the price whatever was answered before), or there is no answer to be about
    ("why?" as a first message), and then the rest keep their own, low confidences, so the
    decision asks which topic is meant or says what is covered rather than guessing. Reading it
    only when it leads kept more of the blind conversations than adding it always (565 against
    556 of 677, simulated) at the same cost on the held-out pairs."""
    if not any(name == FOLLOW_UP_INTENT for name, _ in ranking):
        return list(ranking)
    kept = [(name, confidence) for name, confidence in ranking if name != FOLLOW_UP_INTENT]
    if ranking[0][0] == FOLLOW_UP_INTENT and previous_topic is not None and previous_topic in topics:
        merged = dict(kept)
        merged[previous_topic] = merged.get(previous_topic, 0.0) + ranking[0][1]
        return sorted(merged.items(), key=lambda item: item[1], reverse=True)
    return kept


# An overview ("which types of massage are there?") is never narrowed to the one the previous
# answer was about, or a follow-up asking for the others would get the same answer again.
OVERVIEW_TOPICS = frozenset({"massage_types"})
# Nor are these, for the entity carried from the previous answer: "any proof?" after one
# massage type asks for the studies and how strong they are (evidence), "should I check with my
# doctor first?" after one condition's advice asks when to see a doctor; that answer already
# said its part, and given again it would answer nothing new. (A message that names the type or
# the condition is still answered for it: backcare/routing.py.)
NOT_NARROWED_BY_CARRIED = {
    Slot.MASSAGE_TYPE: frozenset({"evidence"}),
    Slot.HEALTH_CONDITION: frozenset({"when_to_see_doctor"}),
}


def carried_entity(
    previous_topic: str | None,
    words: int,
    thresholds: Thresholds,
    names_entity: bool,
    names_other_body_part: bool,
    remembered: Mapping[str, str | None],
    entity_topics: Mapping[str, str],
    topic: str | None = None,
    confidence: float = 0.0,
) -> tuple[str, str] | None:
    """The (entity, value) a short follow-up carries from the previous answer, or None.

    After an answer about one condition or massage type (the previous topic is the topic of
    that entity, ``entity_topics``, and ``remembered`` holds its slot), a message of at most
    follow_up_max_words that names no condition or massage type (``names_entity``) and no
    other body part asks about the same one: "does it have side effects?" after the advice on
    pregnancy, "does it actually help back pain?" after reflexology. The answer is then chosen
    as if the message had named it (backcare/routing.py: only the topics a named entity
    refines change; "how much is it?" stays the cost answer). ``confidence``: the classifier's
    in ``topic``; at least ``general_answer_min_confidence`` in a topic of
    NOT_NARROWED_BY_CARRIED, nothing is carried.
    """
    if previous_topic is None or names_entity or names_other_body_part or words > thresholds.follow_up_max_words:
        return None
    if topic in OVERVIEW_TOPICS:  # ``topic``: the one this turn answers, if decided
        return None
    for entity, entity_topic in entity_topics.items():
        value = remembered.get(entity)
        general = (
            topic in NOT_NARROWED_BY_CARRIED.get(entity, ()) and confidence >= thresholds.general_answer_min_confidence
        )
        if entity_topic == previous_topic and value and not general:
            return entity, value
    return None


def decide(
    ranking: Sequence[tuple[str, float]],
    topics: Collection[str],
    thresholds: Thresholds,
    words: int,
    previous_topic: str | None = None,
    scope: Finding | None = None,
    entity_topics: Collection[str] = (),
    continues: bool = False,
    requests: Collection[str] = (),
    by_topic: FollowUpReading | None = None,
    notice_before: str | None = None,
    names_domain: bool = True,
    adds_case: bool = False,
    back_again: str | None = None,
    weighs_a_medicine: bool = False,
) -> Decision:
    """``ranking``: (intent, confidence), best first, without nlu_fallback. ``topics``: the
    knowledge-base topic ids (intents answered from the knowledge base). ``scope``: the scope
    check's finding on the message (backcare/scope.py), if any. ``entity_topics``: the topics
    of the entities the message names (a condition: condition_advice), for follow-ups.
    ``continues``: the message only continues the previous question (``Continuation``);
    ``requests``: the intents that are requests (booking, a person), never a continuation.
    ``by_topic``: what a follow-up rule of the previous topic reads the message as
    (``follow_up_reading``). ``notice_before``: the scope reason of the notice the bot has just
    given (off topic, another body part or a medicine), if it did; ``names_domain``: the message
    names anything of the back, the body, pain or massage (``ScopeCheck.names_the_domain``);
    ``adds_case``: it opens like a message that adds a case ("and in ...", "also for ...":
    ``Continuation.opens_with_a_case``; ``names_domain`` must be read for such a message and for
    any of at most ``elliptical_max_words`` after an answer); ``back_again``: the topic of the question before, asked
    again for the lower back right after the other-body-part notice (``BackAgain.topic``);
    ``weighs_a_medicine``: the message weighs "it" against one medicine and asks nothing else
    about taking it (backcare/medicine_comparison.py)."""
    ranking = [(name, conf) for name, conf in ranking if name != FALLBACK_INTENT]
    ranking = with_previous_answer(ranking, previous_topic, topics)
    if not ranking:
        return Decision("out_of_scope", scope_reason=ScopeReason.OFF_TOPIC)
    confidence = dict(ranking)
    top, top_conf = ranking[0]
    # "whats the pay like" after "are you hiring?", "how often would I need one for that" after
    # migraines, "and with alcohol?" after a medicine's side effects: right after a scope notice,
    # a short message that names nothing of the domain goes on about the same thing, and gets the
    # same notice.
    if (
        notice_before in (ScopeReason.OFF_TOPIC, ScopeReason.OTHER_BODY_PART, ScopeReason.MEDICINES)
        and not names_domain
        and words <= thresholds.follow_up_max_words
        and top not in requests
    ):
        return Decision("out_of_scope", scope_reason=notice_before)
    # "what about my lower back then?" after "does massage help neck pain?" and its notice
    if (
        notice_before == ScopeReason.OTHER_BODY_PART
        and back_again in topics
        and words <= thresholds.follow_up_max_words
        and top not in requests
        and top != "medicines"
    ):
        return Decision("answer", topic=back_again)
    # "would it be better than the naproxen my doctor gave me?" right after the answer on massage
    # versus medication: the same comparison, against the medicine it names. (After the medicines
    # notice "it" is the medicine asked about, so not there.)
    if (
        weighs_a_medicine
        and notice_before is None
        and previous_topic == COMPARISON_TOPIC
        and previous_topic in topics
        and words <= thresholds.follow_up_max_words
        and top not in requests
    ):
        return Decision("answer", topic=previous_topic)
    # "and in truck drivers?", "also for the old people?", "what speed setting?", "can I bring my
    # own music?" after an answer: a short message that names nothing of the domain (nor another
    # world: the scope check found nothing) and that the classifier can place in no topic goes on
    # with the answer before: it opens by adding a case, or it is elliptical (at most
    # elliptical_max_words). (One that names the back or massage and is still read off topic,
    # "and for my dog's back?", is off topic.)
    if (
        (adds_case or words <= thresholds.elliptical_max_words)
        and previous_topic in topics
        and words <= thresholds.follow_up_max_words
        and top == Topic.OUT_OF_SCOPE
        and scope is None
        and not names_domain
    ):
        return Decision("answer", topic=previous_topic)
    # "I'm 30 weeks pregnant so I can't" after whether one lies face down, "and if it's a disc?"
    # after what causes back pain: a short follow-up that names one condition or massage type and
    # that the classifier can place in no topic asks about that one (not about another body part).
    if (
        previous_topic in topics
        and words <= thresholds.follow_up_max_words
        and top == Topic.OUT_OF_SCOPE
        and len(entity_topics) == 1
        and (scope is None or scope.reason != ScopeReason.OTHER_BODY_PART)
    ):
        return Decision("answer", topic=next(iter(entity_topics)))
    if (
        by_topic is not None
        and by_topic.topic in topics
        and previous_topic in topics
        and words <= thresholds.follow_up_max_words
        and top != "medicines"
        and top not in requests
        and (scope is None or scope.reason in by_topic.over)
    ):
        return Decision("answer", topic=by_topic.topic)
    if (
        previous_topic is not None
        and previous_topic in topics
        and words <= thresholds.follow_up_max_words
        and (
            confidence.get(previous_topic, 0.0) >= thresholds.follow_up_min_share * top_conf
            # "and if it's osteoporosis?" after an answer on a condition: the same question,
            # unless the classifier reads a question the condition does not refine ("how much
            # does a pregnancy massage cost?" after the pregnancy advice asks the price)
            or (
                previous_topic in entity_topics
                and (top not in topics or top in REFINED_BY_ENTITY_TOPIC.get(previous_topic, topics))
            )
            # "and if it's been two months already?": the same question, one more condition
            # (not when the classifier or the scope check puts it outside the topics)
            or (continues and not entity_topics and top in topics and top not in requests and scope is None)
        )
        and top != "medicines"
        and (scope is None or scope.reason != ScopeReason.OTHER_BODY_PART)
    ):
        return Decision("answer", topic=previous_topic)
    candidates = [(name, conf) for name, conf in ranking if name in topics]
    if top == "medicines":  # never a knowledge-base answer for a medicine question
        return Decision("out_of_scope", scope_reason=ScopeReason.MEDICINES)
    if scope is not None and scope.holds_against(top, top_conf):
        return Decision("out_of_scope", scope_reason=scope.reason)
    if top in topics:
        second_conf = ranking[1][1] if len(ranking) > 1 else 0.0
        if top_conf >= thresholds.min_confidence and top_conf - second_conf >= thresholds.min_margin:
            return Decision("answer", topic=top)
        return _clarify(candidates, thresholds, first_always=True)
    # The top intent is out of scope, chit-chat or a red flag the screen did not confirm:
    # ask only if some topic is plausible, and never when the classifier is sure the
    # message is off topic (an out_of_scope turn that follows an answer comes here).
    confident_off_topic = top == Topic.OUT_OF_SCOPE and top_conf >= thresholds.min_confidence
    if candidates and candidates[0][1] >= thresholds.min_choice_confidence and not confident_off_topic:
        return _clarify(candidates, thresholds, first_always=False)
    return Decision("out_of_scope", scope_reason=SCOPE_REASON_OF_INTENT.get(top, ScopeReason.OFF_TOPIC))


def with_question_sentence(
    decision: Decision,
    sentence_intent: str | None,
    previous_topic: str | None,
    topics: Collection[str],
    words: int,
    thresholds: Thresholds,
) -> Decision:
    """``decision`` (``decide``'s, on the whole message), unless it is a long follow-up read as
    off topic whose question sentence alone reads as the previous topic, or as about the
    previous answer (``sentence_intent``: the classifier's intent for the message's question
    sentence read on its own, components/question_sentence.py): that goes on with the answer.
    "I'm a hairdresser, on my feet from 9 till 6 in flat pumps. Could my shoes be part of the
    reason?" after what causes back pain: the story's words make the whole read as off topic.
    Not on the question alone: after a story about a fence, "what should I use to fix it?" reads
    as self care."""
    if (
        decision.kind == "out_of_scope"
        and decision.scope_reason == ScopeReason.OFF_TOPIC
        and sentence_intent is not None
        and sentence_intent in (previous_topic, FOLLOW_UP_INTENT)
        and previous_topic in topics
        and words > thresholds.follow_up_max_words
    ):
        return Decision("answer", topic=previous_topic)
    return decision


def ranking_of(items: Sequence[Mapping[str, Any]]) -> list[tuple[str, float]]:
    """A parse's intent ranking (Rasa's parse data: [{"name": ..., "confidence": ...}, ...]) as
    (intent, confidence), red-flag guesses left out (``without_red_flags``)."""
    return without_red_flags(
        [(str(item.get("name")), float(item.get("confidence") or 0.0)) for item in items if item.get("name")]
    )


@functools.cache
def _shipped_thresholds() -> Thresholds:
    return load_thresholds()  # on first use: the Rasa server's first parse after another message


def wants_reading_with_message_before(parse_data: Mapping[str, Any], thresholds: Thresholds | None = None) -> bool:
    """Whether a parse (Rasa's parse data) needs its reading after the message before it: the
    classifier is less sure of its top intent, red-flag guesses left out as the action server
    leaves them out, than ``with_before_own_max_confidence`` (``with_message_before`` needs
    that), and the red-flag screen did not take the message (a referral or a check)."""
    thresholds = thresholds or _shipped_thresholds()
    if (parse_data.get("intent") or {}).get("name") in RED_FLAG_INTENTS:
        return False
    ranking = ranking_of(parse_data.get("intent_ranking") or [])
    return bool(ranking) and ranking[0][1] < thresholds.with_before_own_max_confidence


def with_message_before(
    decision: Decision,
    joined: Mapping[str, float] | None,
    ranking: Sequence[tuple[str, float]],
    previous_topic: str | None,
    topics: Collection[str],
    thresholds: Thresholds,
    requests: Collection[str] = (),
    notice_before: str | None = None,
    names_entity: bool = False,
    by_topic: FollowUpReading | None = None,
) -> Decision:
    """``decision``, unless it leaves the answer before for a follow-up that, read after the
    user's message before it as one text (``joined``: that reading's confidences, from the
    Rasa server's parse, patches.py), reads as the previous topic with at least
    ``with_before_min_confidence``, while the message alone (``ranking``, as ``decide`` got it)
    gives that topic at least ``with_before_own_min_confidence`` (any share when the decision
    was that it is off topic: alone it names nothing of the answer before) and is less sure of
    its own top intent than ``with_before_own_max_confidence``: that stays on the answer before.
    "I only play cricket at weekends. Still suitable for someone like me?" after sports massage
    reads alone as who should not have massage; "Is it the bending over or the wrestling the
    sheep?" after the causes, and "I have a pacemaker fitted last year, does that change
    anything for me" after who should not have massage, as off topic.

    Never over a medicine question, another body part, a request (booking, a person), a message
    that names a condition or massage type, one a follow-up rule of the previous topic has read
    (``by_topic``), nor right after a scope notice. Measured on every blind set's conversations
    (docs/understanding.md, twenty-third session)."""
    if (
        joined is None
        or not ranking
        or previous_topic is None
        or previous_topic not in topics
        or (decision.kind == "answer" and decision.topic == previous_topic)
        or notice_before is not None
        or names_entity
        or by_topic is not None
        or decision.scope_reason in (ScopeReason.MEDICINES, ScopeReason.OTHER_BODY_PART)
    ):
        return decision
    top, top_conf = ranking[0]
    if top in requests or top == "medicines" or top_conf >= thresholds.with_before_own_max_confidence:
        return decision
    own_share = dict(ranking).get(previous_topic, 0.0)
    if joined.get(previous_topic, 0.0) >= thresholds.with_before_min_confidence and (
        own_share >= thresholds.with_before_own_min_confidence or decision.scope_reason == ScopeReason.OFF_TOPIC
    ):
        return Decision("answer", topic=previous_topic)
    return decision


def _clarify(candidates: list[tuple[str, float]], thresholds: Thresholds, first_always: bool) -> Decision:
    """The likely topics: the top two, then more while they reach min_choice_confidence."""
    choices = [
        name
        for n, (name, conf) in enumerate(candidates[: thresholds.max_choices])
        if (n == 0 and first_always) or n == 1 or conf >= thresholds.min_choice_confidence
    ]
    if len(choices) == 1:
        return Decision("answer", topic=choices[0])
    return Decision("clarify", choices=tuple(choices))


@dataclass(frozen=True)
class Outcome:
    """What the bot does with a decision: the entry to answer, or the options to offer."""

    kind: str  # "answer", "clarify" or "out_of_scope"
    choice: Choice | None = None  # "answer": the knowledge-base entry
    options: tuple[tuple[str, str], ...] = ()  # "clarify": (topic id, button title)
    scope_reason: str | None = None  # "out_of_scope"

    @property
    def topic(self) -> str:
        """The `topic` slot this outcome sets."""
        if self.kind == "answer" and self.choice is not None:
            return self.choice.entry.topic
        return Topic.CLARIFY if self.kind == "clarify" else Topic.OUT_OF_SCOPE


def resolve(
    decision: Decision,
    kb: KnowledgeBase,
    massage_types: list[str],
    condition: str | None,
    remembered_massage_type: str | None = None,
    remembered_condition: str | None = None,
) -> Outcome:
    """The decision applied to the knowledge base. Offered topics that lead to the same
    answer (a named condition refines several topics to one entry) count as one; a single
    distinct option is answered without asking."""
    if decision.kind == "out_of_scope":
        return Outcome("out_of_scope", scope_reason=decision.scope_reason or ScopeReason.OFF_TOPIC)
    topics = decision.choices if decision.kind == "clarify" else (decision.topic or "",)
    entries: dict[str, tuple[str, Choice]] = {}
    for topic in topics:
        choice = choose_entry(
            kb,
            topic,
            massage_types=massage_types,
            condition=condition,
            remembered_massage_type=remembered_massage_type,
            remembered_condition=remembered_condition,
        )
        if choice is not None:
            entries.setdefault(choice.entry.key, (topic, choice))
    if not entries:
        return Outcome("out_of_scope", scope_reason=ScopeReason.OFF_TOPIC)
    if len(entries) == 1:
        return Outcome("answer", choice=next(iter(entries.values()))[1])
    return Outcome("clarify", options=tuple((topic, choice.entry.title) for topic, choice in entries.values()))
