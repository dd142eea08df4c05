"""The deterministic red-flag screen on the warning-sign case sets (no Rasa involved).

The same cases also run through the real Rasa server in tests/e2e/test_safety_e2e.py,
where the classifier's safety check adds to what the screen finds alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from backcare.knowledge import load_knowledge_base
from backcare.redflags import load_screen, normalise, shared_screen
from backcare.yamlfile import DataFileError
from scripts.safety_sets import load_look_alikes, load_sign_cases

SEVERITY = {"urgent": 1, "emergency": 2}
SIGNS = load_sign_cases()
LOOK_ALIKES = load_look_alikes()


@pytest.fixture(scope="module")
def screen():
    return load_screen(known_sources=set(load_knowledge_base().sources))


def test_case_sets_cover_every_sign_in_both_tiers(screen) -> None:
    assert len(SIGNS) >= 500 and len(LOOK_ALIKES) >= 250
    assert {c.sign for c in SIGNS} == {s.id for s in screen.signs}
    assert {s.tier for s in screen.signs} == {"emergency", "urgent"}
    assert all(screen.sign(c.sign).tier == c.tier or c.tier == "emergency" for c in SIGNS)


@pytest.mark.parametrize("case", SIGNS, ids=lambda c: f"{c.set_name}-{c.text[:40]}")
def test_every_warning_sign_is_referred_or_checked(screen, case) -> None:
    # A referral of the right tier or a more severe one, or a safety check naming the sign.
    result = screen.screen(case.text)
    if result.tier:
        assert SEVERITY[result.tier] >= SEVERITY[case.tier], [s.id for s in result.signs]
    else:
        assert result.check_tier, f"missed {case.sign}: negated {result.negated}, qualified {result.qualified}"


def test_look_alikes_are_referred_at_most_three_percent_of_the_time(screen) -> None:
    referred = [c.text for c in LOOK_ALIKES if screen.screen(c.text).signs]
    assert len(referred) / len(LOOK_ALIKES) <= 0.03, referred


@pytest.mark.parametrize(
    "text",
    [
        "no numbness in my groin at all",
        "I don't have a fever",
        "my bladder is fine, no leaks",
        "never had any weight loss",
        "both legs feel fine, not weak",
    ],
)
def test_clear_negations_are_not_red_flags(screen, text: str) -> None:
    assert not screen.screen(text).signs


def test_a_negated_sign_is_reported_as_negated(screen) -> None:
    # The NLU component uses this to overrule a classifier that guessed "red flag".
    assert screen.screen("I don't have any numbness in my groin").negated == ("saddle_numbness",)


def test_doubt_is_not_denial(screen) -> None:
    assert screen.screen("not sure if it matters but my groin has gone numb").tier == "emergency"


def test_a_negation_in_one_clause_does_not_hide_a_sign_in_the_next(screen) -> None:
    result = screen.screen("I don't have a fever but I have lost a stone without trying")
    assert [s.id for s in result.signs] == ["weight_loss"]


def test_every_referral_cites_sign_sources_and_the_guidelines(screen) -> None:
    sign = screen.sign("blood_in_urine")
    assert screen.sources_for((sign,)) == ("NHS-KidneyInfection", "NICE-NG59", "NHS-BackPain", "Chou2007")


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        # A past marker that describes a loss, not a past sign.
        ("I can no longer control my bladder", "emergency"),
        # A general question in another clause does not cancel the sign stated before it.
        ("my groin is numb, is that one of the signs of something serious?", "emergency"),
        ("I have never felt numbness like this around my groin", "emergency"),
        # A negation qualifies the word it is said about, not the body site.
        ("no pain in my groin, it's just numb", "emergency"),
        ("no fever, but I can't feel my bum when I wipe", "emergency"),
        # Typos and word forms.
        ("my leggs are getting weeker and weeker", "emergency"),
        ("cant feel my bum wen i wipe", "emergency"),
        # A sign in the middle of a long story.
        (
            "Moved house last month and my back went. Over the next two weeks I lost feeling in my right "
            "leg and buttock and my bladder control got worse. Anyway, would reflexology help with stress?",
            "emergency",
        ),
        # A carer writing about someone's history and their pain now.
        ("My dad had bowel cancer two years ago and now his back hurts every night", "urgent"),
    ],
)
def test_exclusions_qualify_only_their_own_sign(screen, text: str, tier: str) -> None:
    assert screen.screen(text).tier == tier


@pytest.mark.parametrize(
    "text",
    [
        "My aunt had cancer, not me. My lower back is just stiff from work.",
        "years ago I had numbness in my groin after a bad fall, all fine now",
        "what are the warning signs of cauda equina?",
        "if I ever lost feeling when wiping, would that be an emergency?",
        "my back has been sore for a week",  # "week" is a word: never read as "weak"
        "I pee a lot at night because I drink tea before bed",
        "my bum goes numb on long bike rides, no back pain",
    ],
)
def test_look_alikes_of_the_issue_are_not_referred(screen, text: str) -> None:
    assert not screen.screen(text).signs


def test_a_general_question_about_ones_own_symptom_gets_a_check(screen) -> None:
    result = screen.screen("is the numbness in my groin a sign of something serious?")
    assert not result.signs and result.check_tier == "emergency"


def test_the_screen_is_loaded_once_per_process() -> None:
    from components.red_flag_screen import RedFlagScreen as Component

    first, second = (Component.create(Component.get_default_config(), None, None, None) for _ in range(2))
    assert first._screen is second._screen is shared_screen()


def test_the_fixed_referrals_cite_the_vocabularys_referral_sources(screen) -> None:
    # The referral text must stay a domain response (it works with the action server down);
    # this ties its sources to the vocabulary's, and the action adds only the sign's own.
    kb = load_knowledge_base()
    responses = yaml.safe_load((Path(__file__).parent.parent / "domain.yml").read_text())["responses"]
    cited = "; ".join(kb.sources[key].short() for key in screen.referral_sources)
    for tier in ("emergency", "urgent"):
        assert f"(Sources: {cited})" in responses[f"utter_red_flag_{tier}"][0]["text"]


def test_bad_vocabulary_fails_naming_the_sign(knowledge_copy: Path) -> None:
    path = knowledge_copy / "red_flags.yml"
    data = yaml.safe_load(path.read_text())
    data["signs"]["fever"]["rules"][0]["all"] = ["fever({unclosed"]
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(DataFileError, match="sign 'fever' rule 1"):
        load_screen(path)


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("Physio query: new LBP with loss of perianal sensation since this morning", "emergency"),
        ("lumbar pain with pyrexia and rigors since yesterday", "urgent"),
        ("28/40, LBP with dysuria and a temperature", "urgent"),
        ("fell off the scaffold, a good two storeys, and my back is agony", "emergency"),
        ("I'm getting more hunched and my lower back aches", "urgent"),
        ("I take tablets to thin my blood and I fell on the ice, now my back hurts", "urgent"),
        ("my back hurts all the time, even lying in bed", "urgent"),
        # "bowls" for "bowels", only after "control of": lawn bowls stay a game
        ("my back is killing me and I've lost control of my bowls since this morning", "emergency"),
    ],
)
def test_clinical_and_plain_words_of_a_sign_are_read(screen, text: str, tier: str) -> None:
    assert screen.screen(text).tier == tier


@pytest.mark.parametrize(
    "text",
    [
        "my back is worse when I'm hunched over spreadsheets at tax time",
        "a postman on my feet with a heavy bag all day, my back aches",
        "the fever pitch at work is giving me a stiff back",
        "collapsing into bed every night exhausted, my lower back is tight",
        "carried a sofa up 4 floors for a mate, my back is just stiff today",
        "is a weight loss massage a real thing? my back is fine",
        "my physio told me to watch out for saddle numbness, what would that feel like?",
        "my sleep's been rubbish and I'm on edge all the time since my back started acting up",
    ],
)
def test_everyday_words_that_sound_like_a_sign_are_not_one(screen, text: str) -> None:
    assert not screen.screen(text).signs


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        # clinicians' shorthand (knowledge/abbreviations.yml and the vocabulary)
        ("RTA on the motorway yesterday, LBP since. Ok to treat?", "emergency"),
        ("Bilat lower limb numbness and LBP, started this morning", "emergency"),
        ("LBP, unable to void since 6am", "emergency"),
        ("PMH breast Ca 2019. New onset LBP this month.", "urgent"),
        ("Unexplained wt loss of 5kg and a sore lower back", "urgent"),
        ("18M, constant LBP for 8 weeks", "urgent"),
        ("67F, severe low back pain that came on suddenly, 9/10", "urgent"),
        # plain and regional words
        ("since my back went I keep not making it to the toilet in time", "emergency"),
        ("my back hurts and I've been pushing for ages to get my stream started", "emergency"),
        ("back pain and I can't feel a thing down below when we're intimate", "emergency"),
        ("my back's killing me and the old fella won't work since Friday", "emergency"),
        ("I went arse over tit off the loft ladder and my back is agony", "emergency"),
        ("my back has changed shape over the summer and it aches", "urgent"),
        ("had my spine operated on last month and the scar is red and oozing", "urgent"),
        ("my back aches and I've been running a temperature since Sunday", "urgent"),
    ],
)
def test_shorthand_slang_and_plain_words_of_a_sign_are_read(screen, text: str, tier: str) -> None:
    assert screen.screen(text).tier == tier


@pytest.mark.parametrize(
    "text",
    [
        # someone else's sign, when the writer sets themselves apart
        "My neighbour fell off a ladder and broke his back. I'm booking for myself, just a stiff lower back.",
        "A colleague of mine has bladder trouble with her back. Separately, I'd like a massage for my neck and back.",
        # a general question, not the writer's own sign
        "Is numbness in the groin with back pain serious?",
        "What's the connection between a fever and back pain?",
        # a past, settled sign
        "Last winter my back hurt when I coughed for a couple of weeks, it settled completely.",
        # massage and gym words
        "After the deep tissue I felt like I'd been hit by a truck, in a good way. Sore lower back now.",
        "My chest is sore from push-ups and my lower back is tight from deadlifts.",
        "The hot and cold stone massage left my lower back tingly. Is that normal?",
    ],
)
def test_other_peoples_signs_questions_and_massage_words_are_not_referred(screen, text: str) -> None:
    assert not screen.screen(text).signs


@pytest.mark.parametrize(
    "text",
    [
        # dialect and clinicians' negations, and a clinician's list of what is denied
        "Nae tingling, nae bother peeing, my back's just stiff fae the garden",
        "Legs ain't numb, just a tight lower back from driving",
        "Pt 41M, LBP 1/52. Denies saddle numbness, bladder change, fever. Asking about massage.",
        "Red flags screened and negative (no perianal numbness, bowels normal). Mechanical LBP.",
        # hypotheticals and definitions
        "If my wife's back pain ever spread into both legs, would that be serious?",
        "Were I to lose feeling in my groin, would you still massage me?",
        "What's cauda equina? My physio mentioned it.",
        "Is fever with back pain a danger sign?",
        # idioms and settled pasts in other words
        "I laughed so hard at the film I nearly wet myself, anyway my back is stiff",
        "My back feels like a truck ran over it, like I was hit by a bus after moving day",
        "Before ten years I had a fall from a roof, all healed. Now just office back ache.",
        "Leg day yesterday, my legs are jelly and my lower back is tight",
        # another person's history, said without "my"
        "Note: client's father had bowel cancer. Client (29F) has mild LBP from gardening.",
    ],
)
def test_dialect_negations_hypotheticals_and_idioms_are_not_referred(screen, text: str) -> None:
    assert not screen.screen(text).signs


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        # a negated list stops where something else starts
        ("Denies fever but reports numbness around the back passage since last night, LBP", "emergency"),
        # a carer's "has got" is the person's sign now, not their history
        ("my mum has got sudden severe back pain and says her tummy is pulsing", "emergency"),
    ],
)
def test_a_denied_list_and_a_carers_present_do_not_hide_a_sign(screen, text: str, tier: str) -> None:
    assert screen.screen(text).tier == tier


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        # Scots and West African English
        ("I cannae pee since this morning and ma back's killing me", "emergency"),
        ("my waist has been paining me and now I cannot perform as a man", "emergency"),
        ("both me legs have gone to nothing since my back went", "emergency"),
        # non-native English
        ("I have 71 years and never before such back pain, very strong since Sunday", "urgent"),
        ("since the back pain I not can hold the stool, it comes without I want", "emergency"),
        ("when I pass water I have to push and strain, it comes only in drops, back pain", "emergency"),
        # ages, vehicles, heights and plain words
        ("born in 1948, sudden severe back pain this week, never had it before", "urgent"),
        ("rolled the ute on a gravel road, lower back is sore", "emergency"),
        ("came off the ladder at about 4 metres onto my back", "emergency"),
        ("my weight is dropping without trying and my lower back aches", "urgent"),
        ("found a hard knot right on my spine that wasn't there before, back aches", "urgent"),
        ("unable to heel/toe walk on the left since yesterday, LBP", "emergency"),
    ],
)
def test_dialects_non_native_english_and_plain_words_of_a_sign_are_read(screen, text: str, tier: str) -> None:
    assert screen.screen(text).tier == tier


def test_number_is_not_numbness(screen) -> None:
    # "numb..." once matched "number": a bowel motion's "number two" read as numbness.
    assert screen.screen("going for a number two makes my back ache and so does a sneeze").tier == "urgent"


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        # rural US and New Zealand words, a sign added as an afterthought
        ("my left boot keeps slappin the ground and I can't pick the toe up, back's sore", "emergency"),
        ("got throwed off the bull at the rodeo and landed on my back", "emergency"),
        ("messed my britches twice today without knowing, back's been bad all week", "emergency"),
        ("sudden terrible back pain and my puku feels like it's pulsing", "emergency"),
        ("how much is a massage? oh and I should say I inject drugs, my back hurts", "urgent"),
        ("been shootin up again and my back's been hurtin all week", "urgent"),
        ("my water came out red this morning and my lower back aches", "urgent"),
        ("had my back fused last month and the incision is weepin", "urgent"),
        ("can't sneeze without my back knocking me to my knees", "urgent"),
    ],
)
def test_rural_words_afterthoughts_and_double_negatives_of_a_sign_are_read(screen, text: str, tier: str) -> None:
    assert screen.screen(text).tier == tier


def test_a_sentence_starting_with_say_is_still_hypothetical(screen) -> None:
    # "I should say I inject drugs" is a fact; "Say someone couldn't pee ..." is not.
    assert not screen.screen("Say someone suddenly couldn't pee with a bad back, would massage help?").signs


@pytest.mark.parametrize(
    "text",
    [
        "Had a temperature with a cold back in March, long gone. My back is stiff from gardening.",
        "Back in '04 my legs went weak after a disc op, fine for years now. Just stiff these days.",
        "Is numbness in the groin a reason to skip a massage?",
        "If in future I get blood in my pee with back pain, what should I do?",
        "Say a bloke came off his motorbike, would you massage his back?",
        "If a client with osteoporosis sneezes and hurts her back, do we still treat her?",
    ],
)
def test_settled_signs_policies_and_hypotheticals_are_not_referred(screen, text: str) -> None:
    assert not screen.screen(text).signs


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        # a knife for the pain, the seat area, a misspelt needle, "number 2", dropped g's,
        # non-native "not control", a leak that comes by itself
        ("sneezing sends a knife through my lower back", "urgent"),
        ("my seat area has gone numb since my back flared up", "emergency"),
        ("been using neddles for drugs again and my back aches", "urgent"),
        ("since my back went I can't feel anything when I go number 2", "emergency"),
        ("sudden awful back pain and my belly is poundin like a drum", "emergency"),
        ("my back is very pain and I am not control the bladder since morning", "emergency"),
        ("the wee comes out by itself since my back went", "emergency"),
    ],
)
def test_more_plain_words_of_a_sign_are_read(screen, text: str, tier: str) -> None:
    assert screen.screen(text).tier == tier


def test_a_carer_writing_about_a_wound_after_someones_back_surgery_is_referred(screen) -> None:
    # The operation is the history the sign is about; someone else's settled one is not a sign.
    assert screen.screen("my wife had a discectomy 10 days ago and now the wound is weeping").tier == "urgent"
    settled = "my dad had back surgery last year and got a wound infection, I just have a stiff back"
    assert not screen.screen(settled).signs


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        # trying without success, "24/7" with nights the worst, a side of the back low down,
        # a relative's age after the word, urine the colour of cola, "only bad when I cough",
        # out cold with sudden pain
        ("tried to pee all afternoon with no luck and my back is sore", "emergency"),
        ("my back aches 24/7 and nights r the worst", "urgent"),
        ("finished antibiotics for a kidney infection and my back on the left side low down hurts", "urgent"),
        ("asking for my dad, 81, sudden terrible back pain out of nowhere", "urgent"),
        ("back pain and my piss looks like cola", "urgent"),
        ("my lower back is only bad when I sneeze", "urgent"),
        ("sudden severe back pain and then she was unconscious for a minute", "emergency"),
    ],
)
def test_yet_more_plain_words_of_a_sign_are_read(screen, text: str, tier: str) -> None:
    assert screen.screen(text).tier == tier


@pytest.mark.parametrize(
    "text",
    [
        # a clinician's "afebrile", the pregnancy bump, a relative's past with "did have",
        # someone at work, "I'm fine, just ..."
        "Mechanical LBP, afebrile, apyrexial, no neuro signs. Can I book?",
        "30 weeks pregnant and my lower back aches from carrying the bump",
        "my grandad did have cancer years back, I just have a stiff back",
        "a guy at work fell off scaffolding last month. I'm fine, just stiff from lifting",
    ],
)
def test_clinicians_negatives_the_bump_and_other_peoples_falls_are_not_referred(screen, text: str) -> None:
    assert not screen.screen(text).signs


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        # a carer's "didn't know she'd gone", faecal leakage, straining to pass water, pressure
        # in the middle of the chest, "new ED", someone else who injects, "ain't ever had a bad
        # back" at 70, a back gone wonky, a sneeze like lightning, "me arde cuando hago pipi"
        ("my mum, 82, sore back since Sunday, wet the chair and didn't know she'd gone", "emergency"),
        ("lumbar pain for a week and some faecal leakage since yesterday", "emergency"),
        ("sore back and I have to strain to pass water", "emergency"),
        ("back aching and a tight feeling in the middle of my chest", "emergency"),
        ("lower back pain since the gym and new ED this week", "emergency"),
        ("my brother injects and his lower back has been killing him for days", "urgent"),
        ("I'm 70 and I ain't ever had a bad back but it's terrible this week", "urgent"),
        ("my lower back aches and my spine looks crooked lately", "urgent"),
        ("every sneeze is a lightning bolt in my lower back", "urgent"),
        ("estoy embarazada, me duele la espalda y me arde cuando hago pipi", "urgent"),
    ],
)
def test_carers_shorthand_and_timelines_of_a_sign_are_read(screen, text: str, tier: str) -> None:
    assert screen.screen(text).tier == tier


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        # not feeling a bowel movement, the straining told after "pass water", a failed heel or
        # toe walk told first, clinicians' SOB / pleuritic chest pain / known OP / LBP, a
        # relative's age after "'s", a child's age after a comma or in words, "stacked it",
        # landing from high up, a spine that has started to look curved
        ("since my back went I can't really feel it when I go for a poo", "emergency"),
        ("when I pass water I have to strain and wait and it comes out in a dribble, back sore", "emergency"),
        ("my physio had me walk on my toes and I couldn't on the left, back pain since Monday", "emergency"),
        ("LBP and pleuritic chest pain since this morning", "emergency"),
        ("calf swollen after a long flight, new SOB, and LBP", "emergency"),
        ("72M, known OP, slipped on the ice yesterday, now LBP", "urgent"),
        ("Mum's 78 and this is the first time she's had back pain, it's severe", "urgent"),
        ("on warfarin and I stacked it on my bike this morning, back hurts", "urgent"),
        ("my son is fourteen and his back has hurt all the time for a month", "urgent"),
        ("Son, 12, lower back sore every single day for weeks", "urgent"),
        ("fell off the garden wall from quite high up and landed on my back", "emergency"),
        ("her spine has started to look curved and her back aches", "urgent"),
        # a partial loss of feeling in the saddle area ("a bit of", "some")
        ("lost some feeling around my bottom since my back went, is that ok?", "emergency"),
        ("I've lost a little bit of feeling in my inner thighs and my back is killing me", "emergency"),
    ],
)
def test_clinicians_notes_ages_and_told_backwards_signs_are_read(screen, text: str, tier: str) -> None:
    assert screen.screen(text).tier == tier


@pytest.mark.parametrize(
    "text",
    [
        "how soon after straining my back can I go for a massage?",
        "I'm 16 stone and my back aches all the time, would losing weight help?",
        "I'm sixteen stone and my lower back aches every day after my shift",
        "the pain in my lower back is 10/10 when I bend, fine otherwise",
    ],
)
def test_weights_scores_and_a_strained_back_are_not_a_childs_age_or_a_bladder(screen, text: str) -> None:
    assert screen.screen(text).tier is None


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        # bursts split by " / ", a weight on the chest, a collapse told as what happened, a wait
        # at the toilet, a reading before the device, weight loss said to be unexplained
        # beside a gym or a diet, an age before " / ", "thought it was a cramp"
        ("back killing me / dont ask / i wet myself in bed and never woke up", "emergency"),
        ("my back aches and my chest feels like someone is kneeling on it", "emergency"),
        ("sudden terrible back pain in the garden, everything went black and I ended up on the floor", "emergency"),
        ("since my back went I stand at the toilet for ages before anything comes", "emergency"),
        ("back sore / 38.6 on the ear thermometer / still ok for a massage?", "urgent"),
        ("lost 6 kg on the gym scales without trying and my back has ached for weeks", "urgent"),
        ("my rings keep slipping off, I'm eating the same, and my lower back hurts", "urgent"),
        ("62 / first time my back has gone like this / it's agony", "urgent"),
        ("17 / my lower back hurts all day every day", "urgent"),
        ("calf swollen and hot, thought it was a cramp, back stiff too", "urgent"),
    ],
)
def test_bursts_devices_and_everyday_consequences_of_a_sign_are_read(screen, text: str, tier: str) -> None:
    assert screen.screen(text).tier == tier


@pytest.mark.parametrize(
    "text",
    [
        "8 / 10 pain in my lower back every day after work",
        "had pins and needles in both legs back in March, all checked and fine, now just a stiff back",
        "lost 5 kg on my diet this year and my back feels better for it",
    ],
)
def test_a_pain_score_a_settled_scare_and_a_diet_are_not_signs(screen, text: str) -> None:
    assert screen.screen(text).tier is None


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("lower back ache, my temperature was 36.9 this morning, can I book?", None),
        ("temp is 98.6 so no fever, just a stiff back from the garden", None),
        ("my temperature is normal, my back is just tight", None),
        ("back pain since Friday and my temperature was 38.4", "urgent"),
        ("lower back really sore and temp is 37.8 tonight", "urgent"),
        ("back aching, temperature of 100.9 on the ear thermometer", "urgent"),
    ],
)
def test_a_temperature_in_the_normal_range_is_not_a_fever(screen, text: str, tier: str | None) -> None:
    assert screen.screen(text).tier == tier


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("down 3 kg because I stopped drinking beer, back a bit stiff, massage?", None),
        ("making weight for my judo grading, lost 2 kilos as planned, lower back tight", None),
        ("I lost 5 kg deliberately since the summer and my lower back is tight from work", None),
        ("my GP told me to lose some weight, so I have, nearly a stone, back still stiff", None),
        ("still shifting the baby weight, lost 5kg since she was born, my back aches from carrying her", None),
        ("my back hurts and I've lost 6 kilos, it wasn't planned at all", "urgent"),
        ("lost a stone in two months without trying and my lower back aches at night", "urgent"),
    ],
)
def test_weight_loss_the_writer_explains_is_not_a_sign(screen, text: str, tier: str | None) -> None:
    assert screen.screen(text).tier == tier


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("nurse did my blood pressure and a urine test, both normal, just lower back ache", None),
        ("had bloods and a wee sample at the GP, all fine, my back is only stiff", None),
        ("blood pressure is fine but my pee has been pink since my back started hurting", "urgent"),
        ("my blood test was normal but there's blood in my urine and my back aches", "urgent"),
    ],
)
def test_blood_in_a_test_or_reading_is_not_blood_in_the_urine(screen, text: str, tier: str | None) -> None:
    assert screen.screen(text).tier == tier


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("my work trousers are all looser and I eat the same as ever, lower back aching for weeks", "urgent"),
        ("she's looking much thinner lately and her lower back hurts, she hasn't changed a thing she eats", "urgent"),
        ("taking tofacitinib for my arthritis and the lower back has been bad all week", "urgent"),
        ("on warfarin, toppled off the kerb yesterday, lower back bruised and sore", "urgent"),
        ("on apixaban and rolled out of bed last night, my lower back hurts", "urgent"),
        ("had leukemia as a child, fine since, but a new lower back pain this month", "urgent"),
        ("there's blod in my pee and my lower back aches", "urgent"),
        ("retired nurse, 71. Lower back pain came on suddenly on Monday, never had anything like it", "urgent"),
        ("the pain in my lower back flares up as soon as I get into bed and is there all day too", "urgent"),
        ("my lower back's gone an odd shape, there's a hump that wasn't there", "urgent"),
        ("lower back sore, and it catches when I cough", "urgent"),
        ("crashed my scooter into a parked van this morning, my lower back is agony", "emergency"),
        # the clinical phrase, written out or as an abbreviation (knowledge/abbreviations.yml)
        ("lower back pain since a motor vehicle accident on Saturday", "emergency"),
        ("LBP after an MVA yesterday, pt otherwise well", "emergency"),
        ("slipped off a 4 metre platform at work and landed on my back", "emergency"),
        ("a car hit me head-on while I was cycling, my lower back is in agony", "emergency"),
        ("32 weeks pregnant, lower back aching, and some clear fluid keeps leaking out", "urgent"),
        ("F 58, LBP 4/52, unintentional wt loss approx 5kg", "urgent"),
        ("rear-ended at the lights, my phone flew off the dashboard and my lower back is agony", "emergency"),
        ("my pee is reddish, could be beetroot I suppose but I haven't eaten any, and my back aches", "urgent"),
        ("lower back bad, feels like I've sat on a bike saddle all day, numb down below, I don't cycle", "emergency"),
        ("my belt's on a tighter notch each month and I eat the same, lower back aching", "urgent"),
        ("61 n never had a bad back before but now it's agony since friday", "urgent"),
        ("our lass is 14 and her lower back has hurt non-stop for two months", "urgent"),
        ("fell off the trampoline from a great height onto the lawn and my lower back hurts", "emergency"),
        ("the bathroom scales say I'm down 6 kg since summer, not dieting, and my back aches", "urgent"),
        ("woke up with my bits down below numb and the feeling still hasn't come back, back aching", "emergency"),
        ("violent pain in my back in the garden, my head was swimming, a cold perspiration", "emergency"),
        ("tumbled off the top of a step-ladder onto the tiles, lower back killing me", "emergency"),
        ("our tractor tipped and rolled over on the hill, I was thrown clear but my lower back is agony", "emergency"),
        ("since my back went on Friday I'm no longer able to perform in bed, it worked fine before", "emergency"),
        ("treated for a kidney infection two weeks ago and now my lower back aches", "urgent"),
        ("I'm 63, always had a good back, but this week the pain low down is terrible", "urgent"),
        ("had my back done in March, now the scar is red and weeping", "urgent"),
        ("my lower back seems to have taken on a different shape and it aches", "urgent"),
        ("every time I poop the pain in my lower back spikes", "urgent"),
        ("a sneeze at work dropped me to my knees, my back is wrecked", "urgent"),
        ("not me finding I can't stand on my heels on the left anymore, lower back sore", "emergency"),
        ("since my back went I've been unable to perform as a partner, never a problem before", "emergency"),
        ("calf is swollen and sore and now a stabbing pain on the left side of my chest, back aches", "emergency"),
        ("lower back bad and I've been roasting hot and then freezing all night", "urgent"),
        ("my belt has gone in another notch and I can't say why, back aching for weeks", "urgent"),
        ("once I get into bed the back pain flares, and it's there all day as well", "urgent"),
        ("on steroids for years, sat down quite hard on the sofa and my lower back hurts since", "urgent"),
        ("he's currently injecting and has had back pain for a fortnight", "urgent"),
        ("retired welder, 61, new terrible lower back pain since Monday", "urgent"),
        ("I'm on apixaban, telling you just in case, slipped on the stairs and my back hurts", "urgent"),
        ("three weeks after my back op the incision is red and there's fluid seeping out", "urgent"),
        ("there's a hard lump right on the bone low down on my back", "urgent"),
        ("LBP 2/52, worse on coughing, no other features", "urgent"),
        ("my son is 15 and his lower back ache is incessant, from morning to night", "urgent"),
        # words of blind20's sign set, in other sentences
        ("got thrown by the pony this morning, came down hard and my lower back is sore", "emergency"),
        ("cyclist vs van at a junction yesterday, LBP since, not been checked", "emergency"),
        ("my body dey very hot since yesterday and my waist pain no gree go", "urgent"),
        ("my flatmate uses needles and now his lower back has been bad for a week", "urgent"),
        ("grandad was born 1948, back never bothered him, now since Sunday the pain is terrible", "urgent"),
        ("I'm 66 and my back never troubled me, but now I can barely get up from the sofa", "urgent"),
        ("on rivaroxaban, went my full length on the ice yesterday, lower back hurts", "urgent"),
        ("my wee has come out rosé-coloured twice today and my back aches", "urgent"),
        ("dad is hunching over a bit more every month and his lower back hurts", "urgent"),
        ("there's a kink in my spine that wasn't there before, and my lower back aches", "urgent"),
        ("LBP, bony prominence over L3 noticed by wife", "urgent"),
        ("every cough = my lower back on fire", "urgent"),
        ("lower back sore since a tumble on Friday, and I take apixaban", "urgent"),
        # words of blind22's sign set, in other sentences
        ("my hubby's back went on Sunday and since then he can't... perform, in bed, first time ever", "emergency"),
        ("since my back started hurting my manhood is not standing up like before", "emergency"),
        ("slipped off the trailer, a three metre drop onto concrete, my lower back is sore", "emergency"),
        ("the crane swung me onto the deck, straight on my back, from about 3 metres, it aches", "emergency"),
        ("my back aches and I'm 6 kg lighter since August, no idea why", "urgent"),
        ("age 77, the pain in my lower back is fierce since Monday", "urgent"),
        ("Mrs K, 79, new severe lower back pain since this morning", "urgent"),
        ("my spine seems to be curving off to the left lately and it hurts", "urgent"),
        ("16 here 👋 lower back hurts all the time, nonstop since spring", "urgent"),
        ("there's a numb patch on my bum shaped like a bike seat since my back went", "emergency"),
        ("my wife had breast cancer in 2019, she's now got lower back pain she's never had before", "urgent"),
        ("I used to inject heroin and still do at weekends, my lower back has hurt for a week", "urgent"),
        # an animal named near the writer's own legs is not the animal's legs
        ("walking my dog's route this morning my legs went weak and wobbly, back agony", "emergency"),
        ("took the dog's lead and both legs just gave way since my back went", "emergency"),
        # words of blind21's sign set, in other sentences
        ("my son found me slumped on the kitchen floor, the pain in my back had come on sudden", "emergency"),
        ("low back sore and I get out of puff walking to the car now", "emergency"),
        ("I sleep propped up on three pillows now, flat I feel like I'm drowning, my lower back aches", "emergency"),
        ("since my back went, he can't rise to the occasion any more, first time ever", "emergency"),
        ("my lower back's been bad and there are new probs keeping it up", "emergency"),
        ("I'm now down to the tightest hole of my belt without dieting, back sore", "urgent"),
        ("lower back sore, and resting makes it worse, not better", "urgent"),
        ("I'm 71 and my back has started aching really badly this week, it never used to", "urgent"),
        ("b. 1958, never a bad back, now the worst pain of my life low down", "urgent"),
        ("three weeks post fusion, the wound is swelling and some water comes out, back aches", "urgent"),
        ("my back's got a bend it didn't used to have, and it's sore", "urgent"),
        ("whenever I sneeze my lower back goes, like a shot", "urgent"),
        ("one of my players, 16, has had back pain all the time since the season began", "urgent"),
        ("my grandson is in year 9 and his back hurts every day, all day", "urgent"),
        # a contraction inside a sign's phrase ("when they're intimate")
        ("since his back went he says he can't feel a thing when they're intimate, never before", "emergency"),
        # words of blind23's sign set, in other sentences
        ("my partner says I'm not rising to the occasion since my back went, never an issue before", "emergency"),
        ("my lower back went on Friday and I've been no use in the bedroom since, that's new", "emergency"),
        ("my back's killing and since this morning he can't pass any water at all", "emergency"),
        ("some poo escaped from the back passage twice today, no warning, and my back is bad", "emergency"),
        ("when I do a #2 I can't really feel it, and my back's been sore for days", "emergency"),
        ("my groin and bum feel like they're not there since my back started hurting", "emergency"),
        ("got tossed over by a bull at the show and landed on my back, it's agony", "emergency"),
        ("I had Hodgkin's as a teenager and now there's a new ache in my lower back", "urgent"),
        ("finished antibiotics for a UTI last week and now my lower back's killing", "urgent"),
        ("a strep throat a fortnight ago and now my lower back's bugging me", "urgent"),
        ("my jeans are down a notch on my belt without trying and my back aches", "urgent"),
        ("I'm sixty four, never troubled by my back, and now it's brutal", "urgent"),
        ("she's a girl of sixteen and her lower back hurts all day every day", "urgent"),
        ("28 weeks pregnant, there was blood on my undies this morning, and my back hurts", "urgent"),
        # a change told by what was not there before is not a negation or a past sign
        ("my wife says my spine has grown a curve it didn't have a year ago, and my back aches", "urgent"),
        # words of blind24's sign set, in other sentences
        ("my back went suddenly and there's a thumping in my belly", "emergency"),
        ("back pain for a week, now both leg hurt, left and right the same", "emergency"),
        ("sore back since Monday and I don't feel anything passing when I go", "emergency"),
        ("his back's bad and since then, erm, things don't, um, work down there like before", "emergency"),
        ("my back went on Friday and since then she can't feel anything when we're close", "emergency"),
        ("back's been agony all week and the old fella's gone on strike, never before", "emergency"),
        ("a van side-swiped us and our car was hit twice, my lower back is killing me", "emergency"),
        ("a pallet dropped on me at work and pinned me for a minute, back killing", "emergency"),
        ("my calf is swollen, it's hard for me to breathe today, and my back aches", "emergency"),
        ("my leg is swollen at the calf and my breathing is shallow since lunch, back sore", "emergency"),
        ("my back hurts all day and it's worse lying down", "urgent"),
        ("my 70th was in May and I'd never had a bad back until this sudden agony", "urgent"),
        ("six decades old and suddenly the worst back pain I have ever had", "urgent"),
        ("my grandkids stayed over and now, out of nowhere, my back is the worst it's ever been", "urgent"),
        ("I have osteoporosis, I bent to the dishwasher and something went in my back", "urgent"),
        ("my fusion was a success but since last week my right leg has gone numb, back aching", "urgent"),
        ("I'm revising for my A-levels and my back hurts constantly, it never stops", "urgent"),
        ("I'm retired, never had a bad back, and this week it came on really severe", "urgent"),
        # the writer in the story too: still the writer's sign
        ("me and my boyfriend had a car crash last night, my lower back is killing me", "emergency"),
        # a message typed a word or two to a line
        ("back\nsore\nboth legs\nnumb\nsince\ntoday", "emergency"),
    ],
)
def test_everyday_words_drug_names_and_spellings_of_a_sign_are_read(screen, text: str, tier: str) -> None:
    assert screen.screen(text).tier == tier


@pytest.mark.parametrize(
    "text",
    [
        "no pee problems, no numb bits, just a stiff lower back from the garden",
        "GP looked at the bump on my back, said it's just a fatty lump, nothing to worry about. back is tight",
        "cut out sugar and takeaways, down 8 kg, which is what I wanted. lower back still stiff",
        "I read that losing weight can help posture, my lower back aches, would massage help too?",
        "broke my wrist falling off a horse, healed fine years ago, now just a stiff lower back",
        "back in my twenties I came off a motorbike, all fine since, my back is just tight from work",
        "my laptop keeps crashing and I've been hunched over it all day, lower back aching",
        "crashed out on the sofa after a night shift and woke with a stiff lower back",
        "I'm a pedestrian crossing warden, on my feet all day, lower back aches",
        "we had a head-on row at work and my lower back is tight from the stress",
        "my game keeps crashing on the console every night, any fix?",
        "lower back stiff, bladder fine, no odd pee stuff at all, no numbness",
        "a scare with chest pains last yr, cardiologist said all clear. back just tight now",
        "in my youth I broke an arm in a riding accident, healed without any problems. back stiff",
        "my legs were fine on Monday and they're fine now, just my lower back is stiff",
        "sciatica down my left leg for a decade, same as ever, both my legs are strong, massage?",
        "I'm retired and my back has ached for years, same as always, would a massage help?",
        "my flatmate had a really high fever with back pain last week, I'm fine, just stiff from my desk",
        # the same new words where they name no sign
        "the tumble dryer is broken and I've been carrying wet washing, lower back stiff, on warfarin",
        "hot stone massage left my body so hot after, lovely, my back feels looser",
        # ... and blind22's look-alikes: money, a machine, an animal, a load
        "my bank balance has lost some weight after Christmas, how cheap is a back massage?",
        "my laptop has been running a fever all day, I've been hunched over it and my back's stiff",
        "my cat's back legs are a bit wobbly at the moment, I've just got a stiff lower back myself",
        "lost a ton of weight off the van this week, sold the old generator, my back's a bit sore from it",
        "numb bum after a long bike ride yesterday, gone now, back a bit sore",
        "I used to inject but stopped years ago, clean since, back just stiff",
        # ... and where they name none
        "had a kidney infection last year with back pain, treated, and since then nothing. stiff back now",
        "my hip hurts most when I lie on that side at night, lower back just a bit stiff",
        "keep it up with the stretches, my physio said, and my lower back is much better",
        # a flight of stairs climbed, not fallen down (one still is: "fell down a flight of stairs")
        "my lower back aches after climbing a flight of stairs",
        # sore muscles in both legs after sport (blind23's look-alikes: a parkrun, a football match)
        "ran a 10k race on Sunday, both legs are heavy and sore and my lower back is tight, easing daily",
        "rugby match on Saturday, both legs ache like mad and my back's stiff, serves me right",
        # ... and a kick from a cow decades ago, mended
        "kicked by a horse back in my twenties, cracked a rib, mended long since. back stiff now",
    ],
)
def test_cleared_lumps_explained_weight_loss_healed_falls_and_crashing_laptops_are_not_signs(screen, text: str) -> None:
    assert screen.screen(text).tier is None


@pytest.mark.parametrize(
    "text",
    [
        "after the gym yesterday both my legs are numb and my lower back aches",
        "did a parkrun and now both legs keep giving way, back sore",
        "since the football match both legs ache and I can't lift my left foot properly",
    ],
)
def test_numbness_or_weakness_in_both_legs_after_sport_is_still_the_sign(screen, text: str) -> None:
    assert screen.screen(text).tier == "emergency"


@pytest.mark.parametrize(
    "earlier, text, sign",
    [
        (
            ["I had breast cancer a few years ago"],
            "now my lower back has started hurting, is massage ok?",
            "cancer_history",
        ),
        (
            ["I'm on warfarin for my heart"],
            "slipped on the ice this morning and landed on my back",
            "blood_thinner_fall",
        ),
        # a sentence typed over several messages
        (["I can't really feel", "my bum or down there"], "since this morning", None),
        (["I can't really feel"], "my bum or down there", "saddle_numbness"),
    ],
)
def test_a_sign_told_over_several_messages_is_found_once(screen, earlier, text, sign) -> None:
    assert all(screen.screen(t).tier is None for t in [*earlier, text])
    together = screen.screen_together(earlier, text)
    if sign is None:  # the earlier messages alone told it: it was answered when they came
        assert together is None
    else:
        assert together is not None and [s.id for s in together.signs] == [sign]


@pytest.mark.parametrize(
    "earlier, text",
    [
        (["my mum had cancer last year"], "my back's sore from lifting her, can I book a massage?"),
        (["Is massage safe for me?"], "I'm 70 and my back has ached for years, nothing new"),
        (["does massage help lower back pain?"], "how much is a session?"),
        # a question answered "no" in its own message, after a sentence without a full stop
        (["My back sore after moving house, carry boxes whole weekend"], "fever? no fever"),
        (["lower back stiff from the forklift seat"], "Numb down there? Nope."),
    ],
)
def test_messages_that_tell_no_sign_together_are_not_read_as_one(screen, earlier, text) -> None:
    assert screen.screen_together(earlier, text) is None


@pytest.mark.parametrize(
    "text, sign",
    [
        # a school year or stage as an age under 20
        ("yr 11, back hurts constantly", "young_constant_pain"),
        ("He's just started sixth form and his back has ached constantly since September", "young_constant_pain"),
        ("my son is in SS3 and his back pains him all the time, for weeks now", "young_constant_pain"),
        ("she's a sophomore in high school and her lower back hurts nonstop", "young_constant_pain"),
        ("first year at uni and my back has hurt non-stop for two months", "young_constant_pain"),
        # a weak stream in other words
        ("my stream's gone weak and slow since my back went", "bladder_bowel"),
        ("only a few drops come out when I pee, and my back is agony", "bladder_bowel"),
        ("since I hurt my back the urine refuses to come out", "bladder_bowel"),
        ("I have thinning of the bones and slipped on the kitchen floor, now my back hurts", "fragility_fracture"),
        ("sex felt like nothing last night and my back has been bad all week", "sexual_dysfunction"),
        ("he grabbed his back and crumpled onto the floor", "aortic"),
        ("sudden terrible back pain and now I feel giddy", "aortic"),
        ("my back gets worse when I'm at rest and eases when I move about", "night_pain"),
        ("there's a new kink in my spine, back aches", "spine_deformity"),
        ("had back surgery in spring and now I'm running to the loo every half hour", "after_spinal_surgery"),
        ("my son says he sees blood when he pees and his back hurts", "blood_in_urine"),
        ("sore chest today and my back is killing me", "chest_breathing"),
        ("the back pain goes right through to the front of my chest", "chest_breathing"),
        ("my mum just had her 70th and has a sudden severe back pain, never had one before", "age_over_50"),
        ("freezing cold and shaking, then boiling hot the next minute, lower back aches", "fever"),
        ("my back's bad and I can't lift the front of my right foot properly", "leg_weakness"),
        ("my left leg's started dragging since this morning and my back hurts", "leg_weakness"),
        ("my right side is going weak and my back hurts", "leg_weakness"),
        ("couldn't get up on my toes this morning and my back aches", "leg_weakness"),
        # the screen reads text without accents: "rosé" is "rose"
        ("back pain low down and my pee looks like rosé", "blood_in_urine"),
    ],
)
def test_blind25s_kinds_of_sign_in_other_words(screen, text: str, sign: str) -> None:
    assert sign in [s.id for s in screen.screen(text).signs]


def test_an_office_that_is_freezing_and_a_car_that_is_boiling_hot_is_no_fever(screen) -> None:
    assert screen.screen("Back pain since Monday and the office is freezing but the car is boiling hot").tier is None


@pytest.mark.parametrize(
    "text",
    [
        # a craze called a fever, a market that collapsed
        "football fever in our house this month and my back is stiff from the sofa",
        "the stock market collapsed last week and my back is tense from the stress",
        # weight lost as planned
        "lost 4 kilos, which was the plan, and my back is a bit sore",
        "doing intermittent fasting and dropped half a stone, back aches after work",
        # someone in a podcast had the sign
        "listened to a podcast where the victim had a fever and back pain, my back's just stiff from work",
        # sore legs after a first run
        "started couch to 5k and both calves and my back are sore",
    ],
)
def test_blind25s_kinds_of_look_alike_are_not_referred(screen, text: str) -> None:
    assert screen.screen(text).tier is None


def test_a_rose_bought_is_no_blood(screen) -> None:
    assert screen.screen("my wife bought me a rose and my back hurts when I pee").tier is None


def test_a_relative_who_collapsed_just_now_is_still_the_emergency(screen) -> None:
    assert screen.screen("my grandad collapsed holding his back just now").tier == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "numbness down there? no. fever? no. just a sore lower back from lifting",
        "Have I had a fever? No. Just a stiff lower back, is massage ok?",
        "Any numbness in my groin? Nope, none at all. Is deep tissue ok?",
        "Do I have a fever? I don't think so, temp is normal. Back is sore though.",
        "Weight loss? Not really, I've been eating fine. Back is achy.",
    ],
)
def test_a_question_about_oneself_answered_no_at_once_states_no_sign(screen, text: str) -> None:
    result = screen.screen(text)
    assert result.tier is None and result.check_tier is None
    assert result.negated  # judged, so the classifier's guess does not raise it again


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        # the question asserts the sign; the "no" answers whether it is bad
        ("is it bad that both legs are numb? i don't think so but want to check", "emergency"),
        # no answer: not a denial
        ("cant feel my groin? no idea why, is massage ok", "emergency"),
        ("can't pee? no? since last night, back is agony", "emergency"),
        # the question denied, the sign told after it
        ("any numbness? not really, but both legs have gone weak since this morning", "emergency"),
        # answered yes
        ("Have I lost control of my bladder? Yes, since this morning.", "emergency"),
    ],
)
def test_a_sign_asserted_in_a_question_or_not_answered_no_still_counts(screen, text: str, tier: str) -> None:
    assert screen.screen(text).tier == tier


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("back hurts since I lifted a carpet. the skin between my legs, I touch and feel nothing", "saddle_numbness"),
        ("back pain this week, and when I clean myself after the bathroom I don't feel the paper", "saddle_numbness"),
        ("me lower back's been killin us since this mornin, now I cannit get me breath proper", "chest_breathing"),
        ("thyroid cancer 5 years ago. lower back pain for a month, I never have back pain before", "cancer_history"),
        ("lower back pain for 5 weeks, 6 kg less than two months ago and I don't do diet", "weight_loss"),
        ("my back pain doesn't stop at all, and when I lie down to sleep it becomes worse", "night_pain"),
        ("my lower back has hurt since Tuesday and this morning the bowl was pink", "blood_in_urine"),
        ("I am 18, my lower back has pain from 3 months, it is always, not stop even I rest", "young_constant_pain"),
        ("lower back pain for 12 days and when I am going for motion I am not getting any sensation", "bladder_bowel"),
        ("back tight, and I've had zero feeling when going for a number 2 since Tuesday", "bladder_bowel"),
        ("back sore all week, I stood in the loo for ages and nothing would come out", "bladder_bowel"),
        ("got throwed off a bronc at the rodeo and my low back's been barking since", "major_trauma"),
        ("back hurts since Monday, with my husband I don't feel anything when we are together", "sexual_dysfunction"),
        ("mum has back pain for a week, her water just comes out now, she doesn't get any warning", "bladder_bowel"),
        # punctuation spoken to voice-to-text
        (
            "hi I would like to book a massage for my lower back period also both of my legs feel numb and week"
            " since yesterday comma like their asleep comma is that okay question mark",
            "leg_weakness",
        ),
    ],
)
def test_blind26s_and_blind_conversations2s_kinds_of_sign_in_other_words(screen, text: str, sign: str) -> None:
    assert sign in [s.id for s in screen.screen(text).signs]


@pytest.mark.parametrize(
    "text",
    [
        "joined zumba and my back and thighs are sore, my friend calls it muscle fever",
        "my husband nearly wet himself laughing at the show, his back is stiff from the seats",
        "my lower back hurts. fever? no fever. just muscle tight",
        "my malaria test was negative and the waist is a bit stiff from the long ride",
        "my 16 year old is off school with a fever. for me, my lower back's a bit stiff from sitting",
        "I am 55 years old, my back is a little tired after hiking, as usual, not strong pain",
        "my temperature is thirty six point eight so no fever period my back is a bit sore question mark",
        # "tissue" is no "issue", "coffees" no "off"
        "back's stiff, peeing fine, so is deep tissue the way to go for my bladder worries?",
    ],
)
def test_blind26s_and_blind_conversations2s_kinds_of_look_alike_are_not_referred(screen, text: str) -> None:
    result = screen.screen(text)
    assert result.tier is None and result.check_tier is None


def test_punctuation_spoken_to_voice_to_text_is_read_as_marks() -> None:
    assert normalise("legs numb comma since monday period is that ok question mark") == (
        "legs numb, since monday. is that ok? "
    )
    # "period" alone may be a woman's period
    assert normalise("my period is late and my back hurts") == "my period is late and my back hurts"


def test_a_definition_asked_after_a_greeting_is_a_general_question(screen) -> None:
    # "what is ...?" after "excuse me," as at the start of the message
    result = screen.screen("Excuse me, what is saddle numbness? I read this word on internet. I don't have it.")
    assert result.tier is None and result.check_tier == "emergency"  # "me": the check, not the referral


def test_pain_down_one_leg_then_the_other_is_both_legs(screen) -> None:
    assert screen.screen("sciatica down my left leg for a week and now the other leg too").tier == "emergency"
    earlier = ["low back pain is an old friend but this week it's shooting down the back of my right leg"]
    together = screen.screen_together(earlier, "and now the left as well. both at once")
    assert together is not None and [s.id for s in together.signs] == ["leg_weakness"]
    # someone else's other leg, or knees after football, are not
    assert screen.screen("my right knee hurts and my left one too after football").tier is None


@pytest.mark.parametrize(
    "text",
    [
        # someone else's sign already in care: the writer asks for themselves
        "my uncle came off his roof on sunday, he is in hospital now. my back is sore from visiting",
        "my mum is on warfarin and had a fall at the shops, we sent her to get checked",
        "my partner has had blood in his pee, the GP has seen him. can I book a massage for me",
        # a carer's patients in general, not one patient written about
        "I'm a ward nurse and I check patients for bladder problems all day, my back is just stiff",
        # a past sign, fully cleared
        "had numbness in both legs two years ago after a disc op, no problems since. just stiff now",
        "the tingling in both my legs is totally gone now, only a normal ache left",
        # another sense: an animal's legs, a thing that collapses, a Scots 'wee'
        "our old mare's back legs are weak and the vet is coming, I'm after a massage for me",
        "the shelving at work collapsed on friday, my back is only tight from clearing up",
        "on blood pressure pills and I lost a bit of weight on purpose, back's a wee bit stiff",
        # a general question, and 'for me though'
        "is numbness down there something you would send a person to A&E for? asking for a leaflet",
        "the boy I babysit has had a temperature all week. for me though, my back aches from carrying him",
        "cut out the beer and the takeaways and dropped a stone, back is a bit stiff",
    ],
)
def test_blind27s_and_blind_conversations3s_kinds_of_look_alike_are_not_referred(screen, text: str) -> None:
    assert screen.screen(text).tier is None


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ["my back has been bad for days and now I cant get a erecshun, never had that", "sexual_dysfunction"],
        [
            "lower back agony this week, since monday I've not been able to get or keep an erection",
            "sexual_dysfunction",
        ],
        ["bad back all week and now my privat area is numb", "saddle_numbness"],
        # a carer's report about one resident stays referred
        [
            "care worker here, one of our residents has not passed urine since breakfast and her back hurts",
            "bladder_bowel",
        ],
    ],
)
def test_blind27s_kinds_of_sign_in_other_words(screen, text: str, sign: str) -> None:
    assert sign in [s.id for s in screen.screen(text).signs]


def test_someone_elses_sign_in_an_earlier_message_is_not_joined_to_my_own_ache(screen) -> None:
    earlier = ["my amma had breast cancer, now she is having treatment, very stressful"]
    assert (
        screen.screen_together(earlier, "For me, my lower back is tight from driving her around. Can I book?") is None
    )
    # a carer's "now she's got back pain" still joins to her history
    together = screen.screen_together(["my mum had breast cancer 5 years ago"], "and now she's got new back pain")
    assert together is not None and [s.id for s in together.signs] == ["cancer_history"]


@pytest.mark.parametrize(
    ("earlier", "text", "sign"),
    [
        (
            ["my back aches from the warehouse. also an issue with passing water"],
            "since this morning nothing. tried loads",
            "bladder_bowel",
        ),
        (
            ["sore back since the weekend, and a couple of accidents"],
            "the car seat was soaked and I hadn't even felt it",
            "bladder_bowel",
        ),
        (["sciatica down my right leg for a month"], "and since monday also on the left, same burning", "leg_weakness"),
        (
            ["I had lymphoma five years back, they said I was clear"],
            "there's a pain come in my lower back this last fortnight",
            "cancer_history",
        ),
        (
            ["my husband says my back looks odd from behind"],
            "like it's gone crooked since the summer",
            "spine_deformity",
        ),
        (
            ["my lower back has ached for a month"],
            "and there's a lump in the middle over the bones that's new",
            "spine_deformity",
        ),
    ],
)
def test_blind_conversations3s_kinds_of_sign_told_over_messages(
    screen, earlier: list[str], text: str, sign: str
) -> None:
    together = screen.screen_together(earlier, text)
    assert together is not None and sign in [s.id for s in together.signs]


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ["back's been sore for days, not gonna lie I still use now and then, needles", "infection_risk"],
        ["I use drugs with a needle and my lower back has been bad all week", "infection_risk"],
        ["my back has got worse, it takes forever to get going when I pee and it just trickles", "bladder_bowel"],
        ["my back never lets up and laying down makes it worse", "night_pain"],
    ],
)
def test_blind27s_and_blind_conversations3s_other_words_for_a_sign(screen, text: str, sign: str) -> None:
    assert sign in [s.id for s in screen.screen(text).signs]


@pytest.mark.parametrize(
    "text",
    [
        "my brother uses drugs with needles and I worry about him. my own back is sore from the gym",
        "I use acupuncture needles at home for my back, is massage ok as well?",
        "since this morning nothing has helped my back, peeing is normal",
    ],
)
def test_other_peoples_needles_and_other_nothings_are_not_signs(screen, text: str) -> None:
    assert screen.screen(text).tier is None


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        # the feeling that "hasn't come back even after" a walk is numbness that persists
        ("my bum went numb on the drive and the feeling hasn't come back even after a walk, back aches", "emergency"),
        ("got fired off my pony at a jump and landed on my back, it's really bad now", "emergency"),
        ("calf is swollen and sore and my breath's short today, back aching as well", "emergency"),
    ],
)
def test_blind27s_remaining_kinds(screen, text: str, tier: str) -> None:
    assert screen.screen(text).tier == tier


def test_a_sign_that_has_not_come_back_is_still_past(screen) -> None:
    text = "had numbness in both legs after a disc op in 2019, it never came back, back is just stiff now"
    assert screen.screen(text).tier is None


def test_an_infection_treated_weeks_ago_is_recent(screen) -> None:
    text = "had cellulitis on my arm a few weeks ago it was treated and now my back has started hurting"
    assert screen.screen(text).tier == "urgent"
    # treated years ago is past
    assert screen.screen("had a kidney infection in 2015, it was treated, my back is stiff now").tier is None


def test_the_sea_throwing_someone_onto_rocks_and_weight_gone_without_trying(screen) -> None:
    assert screen.screen("a big wave slammed me back-first onto the rocks, my back is wrecked").tier == "emergency"
    assert screen.screen("nearly a stone gone since summer without trying, and my back aches").tier == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        # blood tests and urine tests are not blood in the urine
        "the GP did a urine test and bloods, all fine, my back is just stiff from work",
        "doctor checked my urine and blood last week, everything normal, back is tight",
        # someone else already in care
        "my uncle's on warfarin and fell at the bus stop, the hospital checked him over and sent him home",
        "my nephew is 16 with back ache every day for months and the GP is sending him for tests",
        "my grandad had back pain and a fever, now warded at the general hospital. I just want a massage",
        # a pipe's dribble, an engine that collapsed, an idiom of chills
        "the kitchen tap is down to a weak dribble and my back's stiff from kneeling under the sink",
        "the mechanic says the engine collapsed, and my back is tight from driving all week",
        "that horror film gave me the shivers, my back is stiff from the cinema seats",
        # weight lost by exercise; a past at the start of the sentence
        "lost about a stone since spring doing the couch to 5k, back's a bit stiff",
        "years back, about 2010, I came off a ladder and broke my back, had the op, fully healed, just stiff now",
    ],
)
def test_blind_conversations4s_kinds_of_look_alike_are_not_referred(screen, text: str) -> None:
    assert screen.screen(text).tier is None


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ["sore lower back, and my pee has come out the colour of weak tea with a pink tinge", "blood_in_urine"],
        ["my back's tight and my right foot keeps catching on the kerb, worse every day", "leg_weakness"],
        ["the scaffold board gave way and I went through two lifts, landed on my back", "major_trauma"],
        ["a ladder went from under me and I came straight down onto the concrete, back is agony", "major_trauma"],
        ["something hard under the skin my wife noticed, it's right on the spine, my back aches", "spine_deformity"],
        ["I'm 17 and my lower back hurts every minute of the day, not just after training", "young_constant_pain"],
        ["my back is bad and I get an infusion every six months for my MS", "immunosuppression"],
        ["hd a uti 2 wks ago, nw my lwr bk is killing me, nvr had that b4", "infection_risk"],
    ],
)
def test_blind_conversations4s_kinds_of_sign_in_other_words(screen, text: str, sign: str) -> None:
    assert sign in [s.id for s in screen.screen(text).signs]


def test_a_past_that_opens_the_sentence_does_not_cover_what_is_new_now(screen) -> None:
    text = "years ago I hurt my back in a crash, but now both my legs are numb since yesterday"
    assert screen.screen(text).tier == "emergency"


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ["lower back's sore and it takes ages to get a wee started, then it only comes as a dribble", "bladder_bowel"],
        ["my back aches and I cannot lift the toes on my right foot since yesterday", "leg_weakness"],
        ["got throwed off the four-wheeler at speed and it landed on me, back's bad", "major_trauma"],
        ["bad back this month and it is not getting hard any more with my wife", "sexual_dysfunction"],
        ["my jeans are too baggy now and I haven't been trying to lose weight, back hurts", "weight_loss"],
        ["long-term pred for my asthma and I slipped on the stairs, back is sore", "fragility_fracture"],
        ["had my spleen out after a crash, now my lower back has been sore for a week", "immunosuppression"],
        ["my back's killing me and my pee is the colour of ribena", "blood_in_urine"],
        ["every cough nearly drops me, my lower back is that bad", "cough_sneeze_pain"],
        ["our Amy's 15, she's with me now, her back hurts every day non-stop", "young_constant_pain"],
        ["back hurts and ah cyah hold meh water since this morning", "bladder_bowel"],
    ],
)
def test_blind28s_kinds_of_sign_in_other_words(screen, text: str, sign: str) -> None:
    assert sign in [s.id for s in screen.screen(text).signs]


@pytest.mark.parametrize(
    "text",
    [
        "back stiff from work. legs fine, toilet fine, fever no. price for an hour?",
        "my grandad collapsed at bowls and was taken to hospital, he's being well looked after. I want a massage",
        "my aunt has lost weight and the doctors are already running tests. I'm just stiff from work",
        "Cancer is my star sign, ha. Back's a little tight from the long shift",
        "had the AAA screening scan, aorta's normal. my back's stiff from digging",
        "I fast in Ramadan and lose a couple of kilos every year, my back is a bit stiff",
        "i am on a diet. i lost 4 kg. my back is a bit stiff",
        "the vet is running tests on my dog, she's lost weight. me, I've got a tight back",
        "my laptop collapsed mid-meeting, and my back is stiff from the desk",
        "watching a series where a man faints with back pain and it's an aneurysm, my back's fine just stiff",
    ],
)
def test_blind28s_kinds_of_look_alike_are_not_referred(screen, text: str) -> None:
    assert screen.screen(text).tier is None


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ["dad's back is bad and since yesterday his urine is coming without control", "bladder_bowel"],
        ["my wife's back is bad and since Monday she can't feel anything when she does a poo", "bladder_bowel"],
        ["Pt c/o LBP, today she can't stand on her L heel at all", "leg_weakness"],
        ["back pain, calf swollen and hot since the flight, and I'm SOB going upstairs", "chest_breathing"],
        ["I was treated for a kidney infection a fortnight ago and my lower back has ached since", "infection_risk"],
        ["mum is on alendronic acid and hurt her back bending to the oven this morning", "fragility_fracture"],
        ["me da's 68, never had back trouble, but since Friday it's that bad he cannae sit", "age_over_50"],
        ["asking about my nephew who's 17, his back has hurt constantly for two months", "young_constant_pain"],
        ["a customer on tacrolimus after a transplant asked about massage for his new back pain", "immunosuppression"],
    ],
)
def test_blind29s_kinds_of_sign_in_other_words(screen, text: str, sign: str) -> None:
    assert sign in [s.id for s in screen.screen(text).signs]


@pytest.mark.parametrize(
    "text",
    [
        "I use a steroid inhaler for my asthma and my back is stiff from bending at work, can I book?",
        "forklift driver with osteopenia, back stiff from the seat all week, no falls, can I book?",
        "my husband was in hospital with blood in his urine, he's under the urologist now. my back is stiff",
        "my dad was in hospital last week with a high fever, they're treating him, my back aches from the chairs",
        "we got a lump sum from the back pay, so I'm booking a massage for my stiff back",
        "All my tests were normal - blood, urine, scan - it's only a muscle strain. Can I book?",
        # a guard: patients in general, now that "ask about massage" is a real question
        "NP in a renal clinic. Most of our patients are on tacrolimus and some ask about massage for back pain.",
    ],
)
def test_blind29s_kinds_of_look_alike_are_not_referred(screen, text: str) -> None:
    assert screen.screen(text).tier is None


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ["since his back went he's lost his erection completely, can a massage help?", "sexual_dysfunction"],
        ["my back's been bad for a fortnight and I feel nothing during sex now", "sexual_dysfunction"],
        ["she cannot feel during intimacy since the back pain started", "sexual_dysfunction"],
        ["my son come off his bike into a parked car on Sunday and his back is sore", "major_trauma"],
        ["I'm a cancer survivor, bowel cancer, and now my lower back has ached for a month", "cancer_history"],
        ["I can't feel the seat under me, numb right where a bike saddle sits, and my back aches", "saddle_numbness"],
        # what a partner leaves unsaid
        ["since his back went my husband hasn't been able to, y'know, perform. Massage?", "sexual_dysfunction"],
        ["the wife says I've not been able to, you know, since my back went", "sexual_dysfunction"],
    ],
)
def test_blind31s_kinds_of_sign_in_other_words(screen, text: str, sign: str) -> None:
    assert sign in [s.id for s in screen.screen(text).signs]


@pytest.mark.parametrize(
    "text",
    [
        "referral for LBP only, calf soft and non-tender, no SOB. ok to book?",
        "no tingling, both legs totally fine - only my lower back that aches after the garden",
        "she says no problem with wee or the toilet, her back is just tight from lifting",
        "if I came off the quad one day would massage be ok afterwards?",
        # guards: "you know" as a filler before what was not done, and the toilet left unsaid
        "since my back went I've not been able to, you know, do much in the garden, says my husband",
        "my wife says I haven't been able to, you know, go to the toilet properly since my back went",
        # a guard: the star sign still is not a history of cancer
        "I'm a cancer, so I worry a lot, and my back is stiff from the desk",
    ],
)
def test_blind31s_kinds_of_look_alike_are_not_referred(screen, text: str) -> None:
    assert screen.screen(text).tier is None


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ["68F, sudden severe LBP this morning, radiating to abdo, pulsatile mass periumbilical", "aortic"],
        ["my back has ached for a month and my belt has gone in a notch without me trying", "weight_loss"],
    ],
)
def test_blind_conversations5s_kinds_of_sign_in_other_words(screen, text: str, sign: str) -> None:
    assert sign in [s.id for s in screen.screen(text).signs]


@pytest.mark.parametrize(
    "text",
    [
        "A long time ago, in 2009, I fell off a roof and hurt my back; now it's just stiff from work",
        "no blood in pee, no fever, back just stiff after the drive",
    ],
)
def test_blind_conversations5s_kinds_of_look_alike_are_not_referred(screen, text: str) -> None:
    assert screen.screen(text).tier is None


def test_the_other_leg_started_too_in_a_later_message_is_both_legs(screen) -> None:
    earlier = ["my old sciatica is back down my left leg, can I book?"]
    together = screen.screen_together(earlier, "and now it has started in my right leg too")
    assert together is not None and together.tier == "emergency"
    # the same side again is not the other leg
    assert screen.screen_together(earlier, "and now it has started in my left foot too") is None


def test_a_lump_described_before_where_it_is_on_the_spine(screen) -> None:
    earlier = ["my housemate spotted something on my lower back when I was changing"]
    text = "a lump, roughly the size of a large marble, right on the bony bit in the middle. Not there in spring"
    together = screen.screen_together(earlier, text)
    assert together is not None and [s.id for s in together.signs] == ["spine_deformity"]


def test_someone_else_already_in_care_stays_so_even_with_a_carers_words(screen) -> None:
    # "his back went" would make it a carer's report; "they flew him to hospital" says he is seen to
    text = "my neighbour lost the feeling in both legs after his back went, they flew him to hospital, he's on the mend"
    assert screen.screen(text).tier is None
    # without "in care" a carer's report is still referred
    assert screen.screen("my neighbour lost the feeling in both legs after his back went").tier == "emergency"


def test_a_thing_that_collapsed_a_few_words_on_is_not_fainting(screen) -> None:
    together = screen.screen_together(
        ["my server kept losing power and collapsing all morning"], "my lower back's tight from the desk"
    )
    assert together is None


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ["flipped our side-by-side in the creek bed on Sunday and my back's been sore since", "major_trauma"],
        ["the quad landed on its roof with me under it and now my lower back aches", "major_trauma"],
        ["my back really hurts whenever I push for a poo", "cough_sneeze_pain"],
        ["my lower back hurts badly when I'm on the loo straining to go", "cough_sneeze_pain"],
        ["L quads weakening and getting steadily worse over two days, LBP", "leg_weakness"],
    ],
)
def test_blind32s_kinds_of_sign_in_other_words(screen, text: str, sign: str) -> None:
    assert sign in [s.id for s in screen.screen(text).signs]


@pytest.mark.parametrize(
    "text",
    [
        # collapsing a thing, not oneself
        "collapsed the camping tent this morning and my back is stiff from the bending",
        # a relative's history, in dialect; and a question whether it runs in families
        "me nan had bone cancer years back, my own back is just sore from lifting, does it run in families?",
        # a long-past time that opens the sentence
        "Some time ago I had blood in my pee from a kidney stone, long sorted; my back is stiff from the desk",
        "Couple of years back I slipped a disc and my foot went floppy, had an op; no bother now, just stiff",
    ],
)
def test_blind_conversations6s_and_blind32s_kinds_of_look_alike_are_not_referred(screen, text: str) -> None:
    assert screen.screen(text).tier is None


def test_collapsing_a_thing_does_not_hide_collapsing_oneself(screen) -> None:
    text = "we collapsed the gazebo and then I collapsed on the grass with sudden severe back pain"
    assert [s.id for s in screen.screen(text).signs] == ["aortic"]


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        # Yorkshire "mesen" for myself
        ("my back's been bad all week and I wet mesen in the night without waking", "bladder_bowel"),
        # a carer's or nurse's shorthand for urine not passed
        ("client with LBP since Monday, no PU since breakfast, can the therapist still come?", "bladder_bowel"),
        ("resident 79M, new LBP, pad dry 12 hrs today, ok for massage?", "bladder_bowel"),
        # breathless on talking, breathing fast, with a swollen calf
        ("LBP and R calf swollen, SOB on talking since lunch, massage tomorrow ok?", "chest_breathing"),
        ("my back aches, my calf is swollen and now I'm breathing really fast, can I still book?", "chest_breathing"),
        # through a loft hatch, a whole storey
        ("went through the loft hatch onto the landing last night, my back is wrecked, fit me in?", "major_trauma"),
        ("the ladder went and I dropped a whole storey onto the patio, back's agony, massage?", "major_trauma"),
        # sliding from a chair to the floor with osteoporosis
        ("mum has osteoporosis and slid from her chair to the floor today, now her back hurts", "fragility_fracture"),
        # a teenager whose back hurts always, for months
        ("I'm 15 and my back hurts always, since three months, which massage is best?", "young_constant_pain"),
    ],
)
def test_blind33s_kinds_of_sign_in_other_words(screen, text: str, sign: str) -> None:
    assert sign in [s.id for s in screen.screen(text).signs]


@pytest.mark.parametrize(
    "text",
    [
        # another person's sign, then "I am fine, only ..." or "my own back is the usual"
        "My flatmate has a fever and is in bed. I am fine, only my back is stiff from the sofa, can I book?",
        "my daughter has a fever so I need to move my slot. My own back is the usual, no problem",
        # a toddler's accident, a father the doctors are checking
        "my toddler had an accident in his pants so we were late, sorry; can I rebook my back massage?",
        "My dad has lost 9 kg and the doctors are checking him. My back hurts a bit from the stress of it",
        # a nurse's residents on the unit
        "three residents on my ward on blood thinners had falls this week; my own back is sore from hoisting",
        # a cow's milk fever, the bass at a club
        "been up with a heifer with milk fever all week and my lower back is stiff, any slots Friday?",
        "the bass at the gig was pulsing through my belly all night and my lower back aches from standing",
        # a simile of how sore the back feels the day after a massage
        "first deep tissue yesterday and today my back feels like I've been kicked by a cow, normal?",
        # up all night with someone else, not with the pain
        "I was up all night with the baby teething and my lower back is stiff from rocking her",
    ],
)
def test_blind33s_kinds_of_look_alike_are_not_referred(screen, text: str) -> None:
    assert screen.screen(text).tier is None


def test_up_all_night_with_the_pain_is_still_night_pain(screen) -> None:
    text = "my lower back is agony and I was up all night with the pain, can I book?"
    assert [s.id for s in screen.screen(text).signs] == ["night_pain"]


def test_a_simile_does_not_hide_a_real_kick(screen) -> None:
    text = "got kicked by a horse in the yard this morning and my lower back is agony"
    assert [s.id for s in screen.screen(text).signs] == ["major_trauma"]


def test_music_felt_in_the_belly_does_not_hide_a_pulsing_belly(screen) -> None:
    text = "sudden awful back pain and my belly is pulsing like a drum, can I get a massage?"
    assert [s.id for s in screen.screen(text).signs] == ["aortic"]


@pytest.mark.parametrize(
    "text",
    [
        # "my ma", "me da" as the nouns: a parent's history
        "me ma had cancer years ago and now I've a sore lower back from work",
        # a relative just told of a diagnosis
        "Dad's brother has been told he has an aneurysm. Dad's lower back is sore from the garden, can he book?",
        # someone else already in care: transferred, went to the doctor, went to A&E already
        "Resident C transferred to A&E overnight with urinary retention; can you still see Resident D for her back?",
        "My wife has fever and back pain, she went to the doctor this morning",
        "my colleague got numbness down there, go A&E already. I have normal back pain from sitting lah",
    ],
)
def test_blind_conversations7s_kinds_of_look_alike_are_not_referred(screen, text: str) -> None:
    assert screen.screen(text).tier is None


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        # a letter typed three times or more
        ("my lower back hurts and there's bloooood in my weeee since Monday", "blood_in_urine"),
        # a big animal or a heavy thing came down on top of the writer
        ("the cow slipped in the crush and went down on top of me, my lower back is agony", "major_trauma"),
        ("a wardrobe tipped over on top of me while I was moving it, my back is killing me", "major_trauma"),
        # the toilet said another way; a carer's "could not hold his water"; passing stools unknowing
        ("lower back's bad since Sunday and when I go do my business I can't feel nothing passing", "bladder_bowel"),
        ("my husband's back went on Monday and today he could not hold his water at all", "bladder_bowel"),
        ("Dad's had back pain for a week and now he is passing stools in his chair without knowing", "bladder_bowel"),
        # coming round after a faint, with the back
        ("mum dropped to the floor holding her back and came round after a few seconds", "aortic"),
        # short of breath on a little exercise, with a swollen calf
        ("my calf is swollen and I'm SOB on a short walk, lower back sore too", "chest_breathing"),
        # Tagalog: the chest hurts
        ("masakit ang dibdib ko po at masakit din ang likod ko", "chest_breathing"),
        # a spelling of fever after spinal surgery
        ("had my spinal fusion a fortnight ago and now I've a fevah of 101", "fever"),
        # worse on opening the bowels, said as going for a number two
        ("my lower back hurts worse whenever I go to the loo for a number two", "cough_sneeze_pain"),
        # a carer: a relative's cancer, and now new back pain
        ("my uncle had bowel cancer in 2019 and now new back pain for a month, can he book?", "cancer_history"),
        # a carer: losing weight while eating normal
        ("mum has back ache and is losing weight, her clothes hang off her, but she is eating normal", "weight_loss"),
        # a back that grumbles, with a weakened immune system
        ("I'm on methotrexate and my lower back has been grumbling all week", "immunosuppression"),
    ],
)
def test_blind34s_and_blind_conversations8s_kinds_of_sign(screen, text: str, sign: str) -> None:
    assert sign in [s.id for s in screen.screen(text).signs]


@pytest.mark.parametrize(
    "text",
    [
        # an animal the words are about
        "our cat has a lump on her spine and the vet is testing it; my back's stiff from the garden",
        "my dog has lost control of his bladder in his old age and my lower back is tight from lifting him",
        # a craze called a fever, a passion for a sport
        "my son says I've got Fortnite fever, my lower back is stiff from gaming all weekend",
        "I've a real fever for fishing lately and my lower back aches from the boat",
        # someone else who is seeing the GP or at the health centre
        "My sister has blood in her urine and back pain, she's seeing the GP. I want a massage for my own back",
        "my partner has a swollen calf and is at the health centre now; my lower back aches from work",
        # never goes to the doctor, not pain that never goes
        "my grandad never goes to the doctor, he just rests and it goes; his lower back is the same old ache",
        # awake with worry, not with pain
        "I lie awake worrying about money most nights and my lower back is tight",
        # things that drop, fall or collapse
        "my profits dropped like a stone and the stress sits in my lower back",
        "my share price took a big fall today and my lower back is sore from the desk",
        "the bid collapsed this morning and my lower back has been sore all day",
        # questions about a sign in general
        "Is blood in the urine a reason not to have a massage? Asking for our leaflet",
        # other people's signs, and the writer is the one with the ordinary back
        "My wife has a fever, I'm looking after her. I want a massage for my own back",
        "My mum is on long-term steroids and has brittle bones. I am the one with back pain, from lifting her",
        # Tagalog: already taken to the hospital
        "yung lola ko may chest pain, dinala na namin sa ospital. masakit lang likod ko po",
    ],
)
def test_blind34s_and_blind_conversations8s_kinds_of_look_alike_are_not_referred(screen, text: str) -> None:
    screening = screen.screen(text)
    assert screening.tier is None and not screening.suspected  # no referral and no check


def test_a_clinicians_query_mark_is_read_as_query_not_a_sentence_end(screen) -> None:
    # "?CES" keeps the patients and the sign in one sentence, so they stay the patients'
    assert screen.screen("half my patients this week were ?CES with saddle anaesthesia").tier is None
    # and a query about the writer's own patient is still a sign
    assert "saddle_numbness" in [s.id for s in screen.screen("LBP 3/7, ?CES, saddle anaesthesia since am").signs]


def test_a_stretched_letter_leaves_aaa_alone(screen) -> None:
    assert "aortic" in [s.id for s in screen.screen("known AAA and sudden severe back pain this morning").signs]


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        # a clinician's arrow for reduced sensation
        ("pt 50M, LBP 4/7, now \u2193 sensation buttocks and perineum since last night", "saddle_numbness"),
        # what is not said outright about erections or feeling during sex
        ("my back went last week and since then my manhood won't wake up, what massage helps?", "sexual_dysfunction"),
        ("since my lower back went he can't feel nothin when we're, you know, together", "sexual_dysfunction"),
        # a clinician's muscle power grades, getting worse
        ("pt with LBP, R DF 3/5 today, was 5/5 on Monday, progressive; ok for soft tissue?", "leg_weakness"),
        # going down on the floor with a sudden pain like a knife
        ("his back went like a knife all of a sudden and he went down on the kitchen floor", "aortic"),
        # a hard time catching the breath, with a swollen calf
        ("my calf is swollen and sore and I have a hard time catching my breath, back aches too", "chest_breathing"),
        # a clinician's "CP" with sweating
        ("pt LBP 3/7, today CP + sweating, booked for massage tomorrow", "chest_breathing"),
        # a vehicle's rollover
        ("pt in a minibus rollover last week, now LBP worse, not imaged", "major_trauma"),
        # a carer: a relative's cancer, then new back pain started
        ("my mother had breast cancer in 2018. Two weeks ago new back pain started. Can she book?", "cancer_history"),
        # a severity never felt before, over 50
        ("I am 71 and since Sunday my low back pain is of a severity I have never experienced", "age_over_50"),
        # an age said as "has 16 years"
        ("my son has 16 years and his low back hurts every day, all the time, for weeks", "young_constant_pain"),
    ],
)
def test_blind35s_kinds_of_sign(screen, text: str, sign: str) -> None:
    assert sign in [s.id for s in screen.screen(text).signs]


@pytest.mark.parametrize(
    "text",
    [
        # a past problem "a while back" ("while" here ends no clause)
        "I had trouble in the bedroom a while back from my tablets. My back is stiff now",
        # a child being fostered; a care home's resident, and the writer asks for themselves
        "the little one we're fostering wets the bed at night. Sore back from lifting her all day",
        "One of my residents has been incontinent for years. I'm asking for myself, my back is sore",
        # not asking about another person's injury; "I am not." after another person's medicine
        "My client was in a crash and injured his spine, I am not asking about that. My back is stiff",
        "My brother is on long-term steroids for asthma. I am not. My back is sore from the baby",
        # chills from music, sales that collapsed, weight off a pay packet, a shop's festive fever
        "I get chills every time I hear that song, anyway my lower back is tight from work",
        "our sales figures have collapsed this quarter and my lower back is tight from the stress",
        "the strike has lost me a bit of weight off my wages, ha. Back's sore",
        "the shop has Diwali fever, everyone buying, my back is tight from lifting boxes",
        # injecting ink, not drugs; a cyst a doctor named; "no pee probs"
        "I'm a tattoo artist and I inject ink all day; my lower back is tight from bending",
        "had a small bump on the skin of my back, doctor says is a cyst. Back tight from paddling",
        "sore back from gardening, no pee probs, no fever. how much?",
    ],
)
def test_blind35s_kinds_of_look_alike_are_not_referred(screen, text: str) -> None:
    assert screen.screen(text).tier is None
