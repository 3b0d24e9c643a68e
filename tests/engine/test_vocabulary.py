import pytest

from screening.engine import (
    MedicationClass,
    MedicationVocabulary,
    VocabularyInvalid,
    VocabularyName,
)
from screening.engine.vocabulary import normalised_words
from tests.engine.support import CLASSES, vocabulary

MATCHES = [
    # (entered, generic, classes, matched_by)
    ("warfarin", "warfarin", ("anticoagulant",), "exact"),
    ("Xarelto", "rivaroxaban", ("anticoagulant",), "exact"),
    ("XARELTO", "rivaroxaban", ("anticoagulant",), "exact"),
    ("rivaroxaban", "rivaroxaban", ("anticoagulant",), "exact"),
    ("Xarelto 20 mg", "rivaroxaban", ("anticoagulant",), "exact"),
    ("Xarelto 20mg once daily", "rivaroxaban", ("anticoagulant",), "exact"),
    ("methotrexate 15mg weekly", "methotrexate", ("immunosuppressant",), "exact"),
    ("Retin-A 0.025%", "tretinoin", ("topical_retinoid",), "exact"),
    ("retinol 0,3 %", "retinol", ("topical_retinoid",), "exact"),
    ("naproxen 500mg 2 x daily", "naproxen", ("otc_bleeding_risk", "photosensitiser"), "exact"),
    ("warfrin", "warfarin", ("anticoagulant",), "fuzzy"),
    ("Eliqus", "apixaban", ("anticoagulant",), "fuzzy"),
    ("Eliqus 5mg", "apixaban", ("anticoagulant",), "fuzzy"),
    ("fish oil", "fish oil", ("otc_bleeding_risk",), "exact"),
    ("Fish Oil 1000mg capsules", "fish oil", ("otc_bleeding_risk",), "exact"),
    ("low dose aspirin", "aspirin", ("antiplatelet",), "exact"),
    ("low dose aspirin 75 mg", "aspirin", ("antiplatelet",), "exact"),
    ("aspirin (75mg)", "aspirin", ("antiplatelet",), "exact"),
    ("isotretinoin gel", "isotretinoin (topical)", ("topical_retinoid",), "exact"),
    ("metformin 500mg", "metformin", (), "exact"),
    ("CeraVe moisturising cream", "moisturiser", (), "exact"),
]


@pytest.mark.parametrize(("entered", "generic", "classes", "matched_by"), MATCHES)
def test_it_matches_names_brands_doses_and_misspellings(entered, generic, classes, matched_by):
    found = vocabulary().match(entered)
    assert found is not None
    assert (found.entered, found.generic, found.classes, found.matched_by) == (
        entered,
        generic,
        classes,
        matched_by,
    )


@pytest.mark.parametrize("entered", ["zzqx", "", "20mg", "vitamin d", "paracetamol", "wafer"])
def test_it_does_not_recognise_unknown_text(entered):
    assert vocabulary().match(entered) is None


def test_it_joins_several_drugs_named_in_one_text():
    found = vocabulary().match("Xarelto, aspirin 75mg and warfrin")
    assert found.generic == "rivaroxaban, aspirin, warfarin"
    assert found.classes == ("anticoagulant", "antiplatelet")
    assert found.matched_by == "fuzzy"


def test_it_does_not_read_a_phrase_again_word_by_word():
    # "isotretinoin gel" is topical: its word "isotretinoin" must not add the oral class.
    found = vocabulary().match("isotretinoin gel 0.05% at night")
    assert found.classes == ("topical_retinoid",)


def test_it_reads_a_short_misspelling_as_unknown():
    # Fuzzy matching needs 6 letters: "asprin" has 6, "warf" has 4.
    assert vocabulary().match("asprin").generic == "aspirin"
    assert vocabulary().match("warf") is None


def test_it_caches_matches_per_vocabulary():
    words = vocabulary()
    assert words.match("Xarelto 20 mg") is words.match("Xarelto 20 mg")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Xarelto 20 mg", ["xarelto"]),
        ("Retin-A 0.025%", ["retin-a"]),
        ("ibuprofen 2 x daily", ["ibuprofen"]),
        ("omega 3 1000mg", ["omega", "3"]),
        ("Vitamin E 400 iu", ["vitamin", "e"]),
        ("St John's Wort, 300mg", ["st", "john's", "wort"]),
        ("methotrexate 15mg weekly", ["methotrexate"]),
        ("Humira pen", ["humira", "pen"]),
    ],
)
def test_it_drops_dose_and_unit_tokens(text, words):
    assert normalised_words(text) == words


def test_it_matches_names_written_with_a_dose():
    classes = (MedicationClass("exfoliant", "Exfoliant", "TOPICAL_RETINOID_EXFOLIANT"),)
    names = (VocabularyName("urea cream 20%", "urea", ("exfoliant",)),)
    found = MedicationVocabulary(classes, names).match("Urea cream 20 %")
    assert found.classes == ("exfoliant",)


def test_it_round_trips_through_a_dict():
    words = vocabulary()
    assert MedicationVocabulary.from_dict(words.to_dict()) == words


def test_it_lists_class_codes_and_labels():
    words = vocabulary()
    assert "anticoagulant" in words.class_codes
    assert words.class_labels["isotretinoin_oral"] == "Oral isotretinoin"


INVALID = [
    (
        (VocabularyName("warfarin", "warfarin", ("anticoagulent",)),),
        "'warfarin' points at the unknown class 'anticoagulent'",
    ),
    ((VocabularyName("Warfarin", "warfarin", ()),), "must be non-empty lower-case text"),
    ((VocabularyName(" warfarin", "warfarin", ()),), "must be non-empty lower-case text"),
    ((VocabularyName("", "warfarin", ()),), "must be non-empty lower-case text"),
    (
        (VocabularyName("aspirin", "aspirin", ()), VocabularyName("aspirin", "aspirin", ())),
        "'aspirin' is listed more than once",
    ),
    ((VocabularyName("aspirin", "", ()),), "needs a generic name"),
    ((VocabularyName("20mg", "x", ()),), "only a dose"),
]


@pytest.mark.parametrize(("names", "phrase"), INVALID)
def test_it_refuses_an_inconsistent_vocabulary(names, phrase):
    with pytest.raises(VocabularyInvalid) as raised:
        MedicationVocabulary(CLASSES, names)
    assert any(phrase in error for error in raised.value.errors), raised.value.errors


def test_it_refuses_a_class_defined_twice():
    with pytest.raises(VocabularyInvalid, match="'anticoagulant' is defined more than once"):
        MedicationVocabulary(CLASSES + CLASSES[:1], ())


def test_it_refuses_a_malformed_dict():
    with pytest.raises(VocabularyInvalid, match="malformed"):
        MedicationVocabulary.from_dict({"classes": [{"code": "x"}], "names": []})
