"""Inline rows ordered by `position`, unique among their siblings, that may swap in one save.

Per-form validation cannot see the other rows of the same submission, so uniqueness among
siblings is checked by the formset; saving parks the moving rows first, so the database's unique
constraints never see two rows at one position. Nor may moving, adding or deleting lessons, units
or sections make the course's lessons wait for each other in a cycle (a lesson without
prerequisites waits for the one before it; `courses.services.requirements_cycle_find`).
"""

from collections import Counter

from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from courses.services import requirements_cycle_find

# A row moving to a new position first goes here, out of every other row's way.
PARKED_POSITION = 1_000_000_000


class OrderedInlineFormSet(BaseInlineFormSet):
    """Children of one parent with a position unique in it (and, for some, other such fields).

    Per-form validation cannot see the other rows of the same submission, so uniqueness among
    siblings is checked here; saving parks the rows that move, so swaps save cleanly.
    """

    sibling_unique_fields = ("position",)

    def _live_forms(self):
        return [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk is not None
            if not self._should_delete_form(form) and not form.errors
        ]

    def clean(self):
        super().clean()
        for name in self.sibling_unique_fields:
            values = Counter(
                form.cleaned_data.get(name)
                for form in self._live_forms()
                if form.cleaned_data.get(name) not in (None, "")
            )
            repeated = sorted(str(value) for value, count in values.items() if count > 1)
            if repeated:
                label = self.form.base_fields[name].label or name
                raise ValidationError(
                    _("Two rows have the same %(field)s: %(values)s. Each must differ."),
                    code="duplicate",
                    params={"field": str(label).lower(), "values": ", ".join(repeated)},
                )
        if not any(self.errors):
            self.check_order()

    def check_order(self) -> None:
        """Refuse an order of the course's lessons in which they wait for each other."""

    def _row_position(self, form) -> int | None:
        """The row's position once saved; None when the row is deleted or left blank."""
        if self._should_delete_form(form):
            return None
        if form.instance.pk is None and not form.has_changed():
            return None
        return form.cleaned_data.get("position")

    def _parked(self, pk: int) -> dict:
        """Values that take a moving row out of every other row's way (unique per pk)."""
        return {"position": PARKED_POSITION + pk}

    def save_existing_objects(self, commit=True):
        if commit:
            self._park_moving_rows()
        return super().save_existing_objects(commit)

    def _park_moving_rows(self) -> None:
        for form in self.initial_forms:
            pk = form.instance.pk
            if pk is None:
                continue
            parked = self._parked(pk)
            if self._should_delete_form(form) or set(parked) & set(form.changed_data):
                self.model._default_manager.filter(pk=pk).update(**parked)


def refuse_cycle(course_id: int | None, **changes) -> None:
    if course_id is None:
        return
    cycle = requirements_cycle_find(course_id=course_id, **changes)
    if cycle:
        raise ValidationError(
            _("In this order the course's lessons wait for each other in a cycle: %(cycle)s."),
            code="cycle",
            params={"cycle": cycle},
        )
