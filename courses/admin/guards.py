"""Guards against ids that staff post by hand; every form, widget and link of the admin uses them.

Ids arrive from the request as text. "abc", "²" or a number past the database's integers must
never reach a query: Django's lookups raise ValueError on them, or OverflowError on SQLite (a
500 instead of the form's error).
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import connection

from courses.models import Unit


def usable_keys(field, values) -> list[str]:
    """Those of `values` (as strings) that a column like `field` could hold, in their order.

    Ids arrive from the request as text: "abc", "²" or a number beyond the database's integers
    must never reach a query (they raise ValueError, or OverflowError on SQLite), whatever
    form or widget reads them.
    """
    try:
        bounds = connection.ops.integer_field_range(field.get_internal_type())
    except KeyError:
        bounds = (None, None)  # not an integer column
    usable = []
    for value in values:
        text = str(value)
        try:
            python = field.to_python(text)
        except (ValidationError, ValueError, TypeError):
            continue
        if python in (None, ""):
            continue
        low, high = bounds
        if isinstance(python, int) and (
            (low is not None and python < low) or (high is not None and python > high)
        ):
            continue
        usable.append(text)
    return usable


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A many-to-many choice that refuses ids no row could have before they reach a query.

    Django checks each value with an exact lookup, which bounds integers, then fetches them all
    with `__in`, which does not: on SQLite a number past 2**63 was an OverflowError (a 500).
    """

    def _check_values(self, value):
        if isinstance(value, list | tuple):
            model = self.queryset.model
            field = model._meta.get_field(self.to_field_name) if self.to_field_name else None
            field = field or model._meta.pk
            texts = [str(item) for item in value]
            usable = set(usable_keys(field, texts))
            for text in texts:
                if text not in usable:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": text},
                    )
        return super()._check_values(value)


class _CheckedAutocomplete:
    """An autocomplete that shows only selected ids a row could have.

    Redrawing a refused form, Django's widget looks the posted ids up with `__in`: "abc" was a
    ValueError and a number past the database's integers an OverflowError (a 500) instead of
    the form's error. The field reports them; the widget leaves them out.
    """

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        opts = remote.model._meta
        field = opts.get_field(getattr(remote, "field_name", None) or opts.pk.attname)
        return super().optgroups(name, usable_keys(field, value), attr)


class CheckedAutocompleteSelect(_CheckedAutocomplete, AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(_CheckedAutocomplete, AutocompleteSelectMultiple):
    pass


def known_keys(model, values: list) -> list[str]:
    """Those of `values` that are keys of `model` rows, in their order."""
    candidates = usable_keys(model._meta.pk, values)
    found = {
        str(pk)
        for pk in model._default_manager.filter(pk__in=candidates).values_list("pk", flat=True)
    }
    return [value for value in candidates if value in found]


def course_of_unit(unit_id) -> int | None:
    """The course of the unit a form was given (posted or prefilled), or None."""
    if not usable_keys(Unit._meta.pk, [unit_id]):
        return None
    return Unit.objects.filter(pk=unit_id).values_list("section__course_id", flat=True).first()


def initial_known(initial: dict, model, names) -> dict:
    """`initial` keeping, of the relations `names`, only ids of rows that exist.

    Links prefill an add page (`?lesson=<pk>`); the autocomplete widget looks the value up as
    given, so a hand-edited or stale one would be a server error instead of an empty field.
    """
    for name in names:
        if name not in initial:
            continue
        related = model._meta.get_field(name).related_model
        value = initial[name]
        known = known_keys(related, value if isinstance(value, list) else [value])
        if isinstance(value, list):
            initial[name] = known
        elif known:
            initial[name] = known[0]
        else:
            del initial[name]
    return initial
