"""What every content admin shares: history in words, guarded autocompletes, links."""

import datetime

from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from courses.admin.guards import (
    CheckedAutocompleteSelect,
    CheckedAutocompleteSelectMultiple,
    CheckedModelMultipleChoiceField,
    initial_known,
)

# What a history page shows for an empty value (no hint, no prerequisites, never published).
NOTHING = "—"


def admin_link(obj, text=None, *, field: str | None = None) -> str:
    try:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return str(text or obj)
    if field:
        # Straight to the field to fix; an exercise's options are the inline group below it.
        url += "#options-group" if field == "options" else f"#id_{field}"
    return format_html('<a href="{}">{}</a>', url, text or obj)


def when(moment: datetime.datetime | None) -> str | None:
    """A date and time as the admin shows them (a read-only method's value is shown as is)."""
    return None if moment is None else formats.localize(timezone.template_localtime(moment))


class ContentHistoryHelper(HistoricalRecordContextHelper):
    """A history page's changes in words: choices by label, yes/no, lists item by item."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if value is None or value == "" or value == [] or value == {}:
            return NOTHING
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, datetime.datetime):
            return when(value)
        if isinstance(value, list | tuple):
            # Answers, tiles and words item by item; match pairs as "left = right".
            return " · ".join(
                " = ".join(map(str, item)) if isinstance(item, list | tuple) else str(item)
                for item in value
            )
        return value


class ContentAdmin(SimpleHistoryAdmin):
    list_per_page = 50

    class Media:
        # Served from this app's static files: inline tables sized to fit the page.
        css = {"all": ["admin/courses/content.css"]}

    # Simple history's list, saying nothing (not "None") for a change without reason or author.
    object_history_list_template = "admin/courses/object_history_list.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return ContentHistoryHelper(self.model, historical_record)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", CheckedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        return initial_known(initial, self.model, self.autocomplete_fields)
