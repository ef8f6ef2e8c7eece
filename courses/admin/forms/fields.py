"""JSON lists edited as text: one item per line, match pairs as "left = right" lines."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LinesField(forms.CharField):
    """A JSON list of strings, edited one item per line; blank lines are dropped."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 60})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(strip=False, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return [str(item).strip() for item in value if str(item).strip()]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def has_changed(self, initial, data):
        return self.to_python(initial or []) != self.to_python(data)


class PairsField(forms.CharField):
    """Match pairs, a JSON list of [left, right], edited as one "left = right" per line."""

    widget = forms.Textarea(attrs={"rows": 5, "cols": 60, "placeholder": "hola = hello"})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(strip=False, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(
                " = ".join(str(side) for side in pair)
                if isinstance(pair, list | tuple)
                else str(pair)
                for pair in value
            )
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return [list(pair) for pair in value]
        text = super().to_python(value) or ""
        pairs, errors = [], []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            left, sign, right = line.partition("=")
            if not sign or not left.strip() or not right.strip():
                errors.append(
                    ValidationError(
                        _('Line %(number)s: write a pair as "left = right".'),
                        code="invalid_pair",
                        params={"number": number},
                    )
                )
                continue
            pairs.append([left.strip(), right.strip()])
        if errors:
            raise ValidationError(errors)
        return pairs

    def has_changed(self, initial, data):
        try:
            return self.to_python(initial or []) != self.to_python(data)
        except ValidationError:
            return True
