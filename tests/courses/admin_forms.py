"""Submitting admin pages as a browser would: the data a change page's forms hold."""

from django import forms


def _add_form(data: dict, form) -> None:
    for name, field in form.fields.items():
        bound = form[name]
        if isinstance(field, forms.FileField):
            continue
        value = bound.value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
            continue
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        else:
            data[bound.html_name] = "" if value is None else str(value)


def page_data(response, *, extra_rows: dict[str, int] | None = None) -> dict:
    """POST data equal to what the rendered change (or add) page holds, inlines included.

    Blank extra inline rows are left out; `extra_rows` (formset prefix → n) keeps the first n
    of them, to fill in.
    """
    extra_rows = extra_rows or {}
    data: dict = {}
    _add_form(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        kept = (
            list(formset.initial_forms)
            + list(formset.extra_forms)[: extra_rows.get(formset.prefix, 0)]
        )
        for form in kept:
            _add_form(data, form)
        management = formset.management_form
        data[management["TOTAL_FORMS"].html_name] = str(len(kept))
        data[management["INITIAL_FORMS"].html_name] = str(len(formset.initial_forms))
        data[management["MIN_NUM_FORMS"].html_name] = "0"
        data[management["MAX_NUM_FORMS"].html_name] = "1000"
    return data


def errors_of(response) -> list[str]:
    """Every error message the page shows: form, fields, inline rows and inline formsets."""
    found: list[str] = []
    form = response.context["adminform"].form
    for messages in form.errors.values():
        found += messages
    for inline in response.context["inline_admin_formsets"]:
        found += inline.formset.non_form_errors()
        for row in inline.formset.errors:
            for messages in row.values():
                found += messages
    return [str(message) for message in found]
