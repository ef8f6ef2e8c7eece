"""Model fields of accounts."""

from django.db import models

from accounts.validators import normalize_display_text, validate_display_text


class DisplayTextField(models.CharField):
    """A name other learners see: stored normalized (`normalize_display_text`) and checked by
    `validate_display_text`, on every path that validates the model (admin, forms, services)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_display_text])
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_display_text(value) if value else value

    def pre_save(self, model_instance, add):
        # Code that saves without validating (a data fix, a factory) still stores the normal form.
        value = self.to_python(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value
