import pytest
from django.core.exceptions import ValidationError

from newsdesk.readers.services import clean_display_name


@pytest.mark.parametrize("typed, shown", [
    ("Ada Berg", "Ada Berg"),
    ("  Ada \t\n  Berg ", "Ada Berg"),
    ("Ada\u202eBerg", "AdaBerg"),  # right-to-left override
    ("\u2066Ada\u2069 \u200eBerg\u200f", "Ada Berg"),  # isolates and marks
    ("A\u200bd\u200ca\u200d \u2060Berg\ufeff", "Ada Berg"),  # zero-width characters
    ("Ada\x00\x07 Berg", "Ada Berg"),  # other control characters
    ("Zoë Ødegård", "Zoë Ødegård"),
    ("Zoe\u0308", "Zoë"),  # composed: one way to write each name
    ("Jo", "Jo"),
    ("x" * 50, "x" * 50),
])
def test_clean_display_name_keeps_what_shows(typed, shown):
    assert clean_display_name(typed) == shown


@pytest.mark.parametrize("typed, message", [
    ("", "Please enter a display name"),
    ("   ", "Please enter a display name"),
    ("\u200b\u202e \ufeff", "only of invisible characters"),
    ("A", "at least 2 characters"),
    ("A\u200b", "at least 2 characters"),
    ("x" * 51, "at most 50 characters; this one has 51"),
])
def test_clean_display_name_refuses_with_a_clear_message(typed, message):
    with pytest.raises(ValidationError) as refused:
        clean_display_name(typed)
    assert message in refused.value.messages[0]


def test_invisible_characters_do_not_count_towards_the_length():
    assert clean_display_name("\u200b" * 20 + "x" * 50) == "x" * 50
