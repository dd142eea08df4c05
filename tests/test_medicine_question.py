"""The medicine router (components/medicine_question.py) on Rasa messages, without a server."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from components.medicine_question import MedicineQuestionRouter, MedicineQuestions


@pytest.fixture(scope="module")
def router() -> MedicineQuestionRouter:
    return MedicineQuestionRouter(MedicineQuestions())


def _classified(text: str, intent: str, confidence: float = 0.8) -> Message:
    chosen = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: confidence}
    other = {INTENT_NAME_KEY: "medicines", PREDICTED_CONFIDENCE_KEY: 0.1}
    return Message(data={TEXT: text, INTENT: chosen, INTENT_RANKING_KEY: [chosen, other]})


@pytest.mark.parametrize(
    "text, classified_as",
    [
        ("how many naproxen a day is too many?", "frequency"),
        ("what's the max dose of paracetamol?", "frequency"),
        ("can I take co-codamol and ibuprofen together", "condition_advice"),
        ("is celecoxib better than diclofenac?", "medication_comparison"),
        # two medicines compared, with no massage named
        ("tylenol or aleve, which one is safer for my dad?", "medication_comparison"),
        ("does amitriptyline make you drowsy", "side_effects"),
        # day-to-day questions about being on a medicine
        ("my husband is on gabapentin for his back, can he drive on it?", "condition_advice"),
        ("how do I come off tramadol safely?", "medication_comparison"),
        # a brand name, taken every day
        ("is it alright to take anadin every day for a month?", "frequency"),
        # which medicine to take, none named: after massage was compared with painkillers, and
        # generic words for medicines
        ("so which pain killer would you go for then?", "medication_comparison"),
        ("whats the strongest tablet for a bad back without a prescription", "self_care"),
        ("which anti-inflammatory works fastest?", "effectiveness"),
        # a story that mentions massage, then a question about the medicine alone
        (
            "I might book a massage next month. My friend gave me some of her naproxen. Is naproxen safe to take "
            "with my blood pressure tablets?",
            "precautions",
        ),
    ],
)
def test_a_question_about_taking_a_medicine_gets_the_medicines_intent(
    router: MedicineQuestionRouter, text: str, classified_as: str
) -> None:
    [message] = router.process([_classified(text, classified_as)])
    assert message.get(INTENT) == {INTENT_NAME_KEY: "medicines", PREDICTED_CONFIDENCE_KEY: 1.0}
    names = [r[INTENT_NAME_KEY] for r in message.get(INTENT_RANKING_KEY)]
    assert names == ["medicines", classified_as]


@pytest.mark.parametrize(
    "text, classified_as",
    [
        # massage compared with a medicine: the classifier decides
        ("is a massage better than ibuprofen for back pain?", "medication_comparison"),
        ("can deep tissue help me take fewer painkillers a day", "medication_comparison"),
        # "it" is the massage named before
        ("My GP suggested massage. Would it be better than ibuprofen?", "medication_comparison"),
        # which painkiller or massage: a comparison (the question names a treatment)
        ("which is better for my back, massage or painkillers?", "medication_comparison"),
        ("what medication can a massage replace?", "medication_comparison"),
        # a medicine named, no question about taking it
        ("I'm on warfarin, can I still come in on Friday?", "condition_advice"),
        # a question about taking something, no medicine named
        ("how many sessions a day would you book for my back?", "frequency"),
    ],
)
def test_other_messages_keep_the_classifiers_intent(
    router: MedicineQuestionRouter, text: str, classified_as: str
) -> None:
    message = _classified(text, classified_as)
    router.process([message])
    assert message.get(INTENT) == {INTENT_NAME_KEY: classified_as, PREDICTED_CONFIDENCE_KEY: 0.8}


def test_it_runs_before_the_red_flag_screen_so_a_warning_sign_still_wins() -> None:
    import yaml

    from backcare.contract import PROJECT_ROOT

    names = [c["name"] for c in yaml.safe_load((PROJECT_ROOT / "config.yml").read_text())["pipeline"]]
    assert names.index("components.medicine_question.MedicineQuestionRouter") < names.index(
        "components.red_flag_screen.RedFlagScreen"
    )


@pytest.mark.parametrize(
    "text, classified_as",
    [
        ("my mum wears a morphine patch, can she still use her heating pad on her back?", "self_care"),
        ("is a hot water bottle ok over my buprenorphine patches?", "self_care"),
    ],
)
def test_heat_near_a_medicine_patch_is_a_medicines_question(
    router: MedicineQuestionRouter, text: str, classified_as: str
) -> None:
    [message] = router.process([_classified(text, classified_as)])
    assert message.get(INTENT)[INTENT_NAME_KEY] == "medicines"


@pytest.mark.parametrize(
    "text",
    ["are heat patches good for lower back pain?", "can I put a heat pad on my back before a massage?"],
)
def test_heat_patches_without_a_medicine_keep_their_topic(router: MedicineQuestionRouter, text: str) -> None:
    [message] = router.process([_classified(text, "self_care")])
    assert message.get(INTENT)[INTENT_NAME_KEY] == "self_care"


def _with_blood_thinner(text: str, drug: str) -> Message:
    """Classified as a medicines question (0.55, condition_advice 0.25), the drug found as the
    condition blood_thinners, as the classifier and the entity extractor leave such a message."""
    ranking = [
        {INTENT_NAME_KEY: "medicines", PREDICTED_CONFIDENCE_KEY: 0.55},
        {INTENT_NAME_KEY: "precautions", PREDICTED_CONFIDENCE_KEY: 0.2},
        {INTENT_NAME_KEY: "condition_advice", PREDICTED_CONFIDENCE_KEY: 0.25},
    ]
    start = text.index(drug)
    entity = {"entity": "health_condition", "value": "blood_thinners", "start": start, "end": start + len(drug)}
    return Message(data={TEXT: text, INTENT: dict(ranking[0]), INTENT_RANKING_KEY: ranking, ENTITIES: [entity]})


@pytest.mark.parametrize(
    "text, drug",
    [
        ("i take xarelto, does that change anything", "xarelto"),
        ("been on blood thinners for years, is that an issue?", "blood thinners"),
        ("ok but what if im taking eliquis", "eliquis"),
    ],
)
def test_a_blood_thinner_the_patient_takes_asks_about_massage_with_it(
    router: MedicineQuestionRouter, text: str, drug: str
) -> None:
    [message] = router.process([_with_blood_thinner(text, drug)])
    # The classifier's confidence in medicines and in the condition goes to the condition.
    assert message.get(INTENT) == {INTENT_NAME_KEY: "condition_advice", PREDICTED_CONFIDENCE_KEY: 0.8}
    names = [r[INTENT_NAME_KEY] for r in message.get(INTENT_RANKING_KEY)]
    assert names == ["condition_advice", "precautions"]


@pytest.mark.parametrize(
    "text, drug",
    [
        # another medicine, or taking one, asked about
        ("Dad is on warfarin, can he take aspirin for his sore back?", "warfarin"),
        ("I take warfarin, so which painkiller is safe for my back?", "warfarin"),
        ("I'm on warfarin, how many paracetamol a day is safe?", "warfarin"),
        # the drug itself asked about, not said as what the patient takes
        ("is warfarin bad for your back?", "warfarin"),
    ],
)
def test_a_question_about_a_medicine_beside_a_blood_thinner_stays_a_medicines_question(
    router: MedicineQuestionRouter, text: str, drug: str
) -> None:
    [message] = router.process([_with_blood_thinner(text, drug)])
    assert message.get(INTENT)[INTENT_NAME_KEY] == "medicines"


@pytest.mark.parametrize(
    "broken, named",
    [
        (lambda data: data["condition_medicines"].pop("not_when"), "condition_medicines"),
        (lambda data: data.pop("chooses"), "chooses"),
        (lambda data: data.update(chooses="which (painkiller"), "chooses"),
    ],
)
def test_a_broken_medicine_questions_file_names_the_file_and_the_entry(tmp_path, broken, named: str) -> None:
    import yaml

    from backcare.yamlfile import DataFileError
    from components.medicine_question import MEDICINE_QUESTIONS_PATH

    data = yaml.safe_load(MEDICINE_QUESTIONS_PATH.read_text(encoding="utf-8"))
    broken(data)
    path = tmp_path / "medicine_questions.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(DataFileError, match=f"medicine_questions.yml.*{named}"):
        MedicineQuestions(path)
