"""The pure rules of what erasure keeps (privacy/redaction.py)."""

from privacy.redaction import ERASED, kept_properties, needles_of, redact_json, redact_text


def test_event_properties_keep_only_the_keys_figures_read():
    kept = kept_properties({"score": 3, "response_id": 9, "comment": "slow", "email": "a@b.c", "amount": "10"})
    assert kept == {"score": 3, "response_id": 9, "amount": "10"}
    assert kept_properties(["not", "a", "dict"]) == {}


def test_needles_skip_short_and_empty_values_and_go_longest_first():
    assert needles_of(["Jo", "", None, "jane@x.test", "Jane"]) == ("jane@x.test", "Jane")


def test_every_occurrence_is_replaced_in_any_case():
    text = 'Detractor answer from JANE QUILL: "ask jane quill"'
    assert redact_text(text, ("Jane Quill",)) == f'Detractor answer from {ERASED}: "ask {ERASED}"'


def test_json_strings_are_redacted_keys_and_numbers_kept():
    value = {"contact": {"id": 4, "email": "jane@x.test"}, "notes": ["by jane@x.test"]}
    assert redact_json(value, ("jane@x.test",)) == {"contact": {"id": 4, "email": ERASED}, "notes": [f"by {ERASED}"]}
