"""The admin's friendly fields for JSON: one item per line, and "left = right" pairs."""

import pytest
from django.core.exceptions import ValidationError

from courses.admin.forms import LinesField, PairsField


def test_lines_are_shown_one_item_per_line():
    assert LinesField().prepare_value(["Good night", "Goodnight"]) == "Good night\nGoodnight"


def test_lines_are_read_trimmed_without_blank_lines():
    assert LinesField().clean("  Good night \r\n\n Goodnight\n") == ["Good night", "Goodnight"]


def test_no_lines_is_an_empty_list():
    assert LinesField().clean("") == []


def test_required_lines_need_one_item():
    with pytest.raises(ValidationError):
        LinesField(required=True).clean(" \n ")


def test_unchanged_lines_are_not_a_change():
    field = LinesField()

    assert not field.has_changed(["hola", "buenas"], "hola\r\nbuenas\r\n")
    assert field.has_changed(["hola", "buenas"], "buenas\nhola")


def test_pairs_are_shown_as_left_equals_right():
    shown = PairsField().prepare_value([["hola", "hello"], ["adiós", "goodbye"]])

    assert shown == "hola = hello\nadiós = goodbye"


def test_pairs_are_read_from_left_equals_right_lines():
    pairs = PairsField().clean("hola=hello\n\n  adiós =  goodbye \n")

    assert pairs == [["hola", "hello"], ["adiós", "goodbye"]]


def test_a_pair_splits_at_its_first_equals_sign():
    assert PairsField().clean("dos = 1 + 1 = 2") == [["dos", "1 + 1 = 2"]]


@pytest.mark.parametrize("line", ["hola", "= hello", "hola ="])
def test_a_line_that_is_not_a_pair_is_refused_with_its_number(line):
    with pytest.raises(ValidationError) as refused:
        PairsField().clean(f"adiós = goodbye\n{line}")

    assert refused.value.messages == ['Line 2: write a pair as "left = right".']


def test_unchanged_pairs_are_not_a_change():
    field = PairsField()

    assert not field.has_changed([["hola", "hello"]], "hola = hello\r\n")
    assert field.has_changed([["hola", "hello"]], "hola = hi")
