"""Words of a course."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from courses.admin.base import ContentAdmin
from courses.admin.forms import (
    WordForm,
)
from courses.models import (
    Word,
)


@admin.register(Word)
class WordAdmin(ContentAdmin):
    form = WordForm
    list_display = ["text", "translation_list", "part_of_speech", "course", "lesson"]
    list_filter = ["course", "part_of_speech"]
    list_select_related = ["course", "lesson"]
    search_fields = ["text", "translations", "notes"]
    ordering = ["course__title", "text"]
    autocomplete_fields = ["lesson"]

    @admin.display(description=_("translations"))
    def translation_list(self, word: Word) -> str:
        return ", ".join(str(t) for t in word.translations or ())
