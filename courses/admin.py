"""Curation of course content by the `editors` group, down the tree without leaving the admin.

Course (sections inline) → Section (units inline) → Unit (lessons inline) → Lesson (exercises
inline, prerequisites, a learner's-eye preview) → Exercise (options inline, rules checked with its
options). Every admin keeps django-simple-history's page, so each change shows who made it and
when. Publishing goes through `courses.services.course_publish`, never through the form: the
status is read-only here.
"""

import datetime
import random

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from courses.admin_packs import CoursePackAdminMixin
from courses.forms import (
    CheckedModelMultipleChoiceField,
    CourseForm,
    ExerciseForm,
    ExerciseInlineForm,
    ExerciseInlineFormSet,
    LessonForm,
    LessonInlineForm,
    LessonInlineFormSet,
    OptionInlineForm,
    OptionInlineFormSet,
    SectionForm,
    SectionInlineFormSet,
    UnitForm,
    UnitInlineFormSet,
    WordForm,
    readable_problem,
    usable_keys,
)
from courses.models import (
    Course,
    CourseStatus,
    Exercise,
    ExerciseOption,
    Language,
    Lesson,
    Section,
    Unit,
    Word,
)
from courses.selectors import lesson_preview_get
from courses.services import (
    CourseNotPublishable,
    course_publish,
    course_unpublish,
    exercise_spec,
)
from exercises.rules import BLANK, exercise_problems
from exercises.types import ExerciseType

PREVIEW_TEMPLATE = "admin/courses/lesson/preview.html"
PUBLISH_RESULTS_TEMPLATE = "admin/courses/course/publish_results.html"
# Messages beyond this many per course would bury the page; the results page lists them all.
PUBLISH_MESSAGES_PER_COURSE = 10
# What a history page shows for an empty value (no hint, no prerequisites, never published).
NOTHING = "—"


def _admin_link(obj, text=None) -> str:
    try:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return str(text or obj)
    return format_html('<a href="{}">{}</a>', url, text or obj)


def _when(moment: datetime.datetime | None) -> str | None:
    """A date and time as the admin shows them (a read-only method's value is shown as is)."""
    return None if moment is None else formats.localize(timezone.template_localtime(moment))


def _problem_text(problem) -> str:
    """A publishing problem as a message, its type named by label (see `readable_problem`)."""
    message = readable_problem(problem.message)
    return f"{problem.place}: {message}" if problem.place else message


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
            return _when(value)
        if isinstance(value, list | tuple):
            # Answers, tiles and words item by item; match pairs as "left = right".
            return " · ".join(
                " = ".join(map(str, item)) if isinstance(item, list | tuple) else str(item)
                for item in value
            )
        return value


class ContentAdmin(SimpleHistoryAdmin):
    list_per_page = 50
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
        # Links prefill an add page (`?lesson=<pk>`); the autocomplete widget looks the value up
        # as given, so a hand-edited or stale one would be a server error instead of an empty
        # field.
        for name in self.autocomplete_fields:
            if name not in initial:
                continue
            model = self.model._meta.get_field(name).related_model
            value = initial[name]
            known = _known_pks(model, value if isinstance(value, list) else [value])
            if isinstance(value, list):
                initial[name] = known
            elif known:
                initial[name] = known[0]
            else:
                del initial[name]
        return initial


def _known_pks(model, values: list) -> list[str]:
    candidates = usable_keys(model._meta.pk, values)
    found = {
        str(pk)
        for pk in model._default_manager.filter(pk__in=candidates).values_list("pk", flat=True)
    }
    return [value for value in candidates if value in found]


# --- Inlines -------------------------------------------------------------------------------


class SectionInline(admin.TabularInline):
    model = Section
    formset = SectionInlineFormSet
    fields = ["position", "title", "cefr_level", "description"]
    ordering = ["position"]
    extra = 0
    show_change_link = True


class UnitInline(admin.TabularInline):
    model = Unit
    formset = UnitInlineFormSet
    fields = ["position", "title", "color", "icon"]
    ordering = ["position"]
    extra = 0
    show_change_link = True


class LessonInline(admin.TabularInline):
    model = Lesson
    form = LessonInlineForm
    formset = LessonInlineFormSet
    fields = ["position", "slug", "title", "xp_reward", "pass_score"]
    ordering = ["position"]
    extra = 0
    show_change_link = True


class ExerciseInline(admin.TabularInline):
    """The lesson's exercises in order; each opens on its own page, where options live."""

    model = Exercise
    form = ExerciseInlineForm
    formset = ExerciseInlineFormSet
    fields = ["position", "key", "type", "summary", "problems"]
    readonly_fields = ["type", "summary", "problems"]
    ordering = ["position"]
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        # An exercise needs its type's fields and options: it is added on its own page.
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("options")

    @admin.display(description=_("prompt"))
    def summary(self, exercise: Exercise) -> str:
        text = exercise.prompt or " · ".join(" = ".join(pair) for pair in exercise.pairs or ())
        return text[:80]

    @admin.display(description=_("problems"))
    def problems(self, exercise: Exercise) -> str:
        found = exercise_problems(exercise_spec(exercise))
        return "; ".join(map(readable_problem, found)) if found else "✓"


class OptionInline(admin.TabularInline):
    model = ExerciseOption
    form = OptionInlineForm
    formset = OptionInlineFormSet
    fields = ["position", "text", "is_correct", "image", "audio"]
    ordering = ["position"]
    verbose_name_plural = _("options (multiple choice only; exactly one correct)")

    def get_extra(self, request, obj=None, **kwargs) -> int:
        if obj is None:
            return 3
        return 1 if obj.type == ExerciseType.MULTIPLE_CHOICE else 0


# --- Languages, courses, sections, units ---------------------------------------------------


@admin.register(Language)
class LanguageAdmin(ContentAdmin):
    list_display = ["code", "name", "native_name", "rtl"]
    search_fields = ["code", "name", "native_name"]
    list_filter = ["rtl"]


@admin.register(Course)
class CourseAdmin(CoursePackAdminMixin, ContentAdmin):
    form = CourseForm
    inlines = [SectionInline]
    list_display = [
        "title",
        "slug",
        "learning_language",
        "from_language",
        "status",
        "version",
        "last_published",
        "lesson_count",
    ]
    list_filter = ["status", "learning_language", "from_language"]
    list_select_related = ["learning_language", "from_language"]
    search_fields = ["title", "slug", "description"]
    readonly_fields = ["status", "version", "last_published", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["slug", "title", "description"]}),
        (_("Languages"), {"fields": ["learning_language", "from_language"]}),
        (
            _("Publishing"),
            {
                "fields": ["status", "version", "last_published", "created_at", "updated_at"],
                "description": _(
                    "Publish or unpublish from the course list (select the course, then the "
                    "action): publishing checks the whole course first."
                ),
            },
        ),
    ]
    actions = ["publish", "unpublish"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(lesson_total=Count("lessons"))

    @admin.display(description=_("lessons"), ordering="lesson_total")
    def lesson_count(self, course: Course) -> int:
        return course.lesson_total

    @admin.display(description=_("last published"), ordering="published_at")
    def last_published(self, course: Course) -> str:
        # Unpublishing keeps the date: a draft may have been published before.
        return _when(course.published_at) or _("never")

    @admin.action(description=_("Publish the selected courses (after checking them)"))
    def publish(self, request, queryset):
        refused = []
        for course in queryset.order_by("title", "pk"):
            if not self.has_change_permission(request, course):
                raise PermissionDenied
            try:
                course_publish(course=course, by=request.user)
            except CourseNotPublishable as error:
                refused.append((course, error.problems))
            else:
                self.message_user(
                    request,
                    _("“%(course)s” is published (version %(version)s).")
                    % {"course": course, "version": course.version},
                    messages.SUCCESS,
                )
        if not refused:
            return None
        for course, problems in refused:
            self._report_refusal(request, course, problems)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Courses that were not published"),
            "refused": [
                (
                    course,
                    [
                        (problem, readable_problem(problem.message), self._problem_link(problem))
                        for problem in problems
                    ],
                )
                for course, problems in refused
            ],
        }
        return TemplateResponse(request, PUBLISH_RESULTS_TEMPLATE, context)

    def _report_refusal(self, request, course, problems) -> None:
        self.message_user(
            request,
            ngettext(
                "“%(course)s” was not published: %(count)s problem blocks it.",
                "“%(course)s” was not published: %(count)s problems block it.",
                len(problems),
            )
            % {"course": course, "count": len(problems)},
            messages.ERROR,
        )
        for problem in problems[:PUBLISH_MESSAGES_PER_COURSE]:
            self.message_user(request, _problem_text(problem), messages.ERROR)
        hidden = len(problems) - PUBLISH_MESSAGES_PER_COURSE
        if hidden > 0:
            self.message_user(
                request, _("…and %(count)s more, listed below.") % {"count": hidden}, messages.ERROR
            )

    def _problem_link(self, problem) -> str:
        return _admin_link(problem.target, _("fix")) if problem.target is not None else ""

    @admin.action(description=_("Unpublish the selected courses (back to draft)"))
    def unpublish(self, request, queryset):
        count = 0
        for course in queryset.filter(status=CourseStatus.PUBLISHED):
            if not self.has_change_permission(request, course):
                raise PermissionDenied
            course_unpublish(course=course, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)s course is back to draft; learners no longer see it.",
                "%(count)s courses are back to draft; learners no longer see them.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Section)
class SectionAdmin(ContentAdmin):
    form = SectionForm
    inlines = [UnitInline]
    list_display = ["title", "course", "position", "cefr_level", "unit_count"]
    list_filter = ["course", "cefr_level"]
    list_select_related = ["course"]
    search_fields = ["title", "course__title", "course__slug"]
    ordering = ["course__title", "position"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(unit_total=Count("units"))

    @admin.display(description=_("units"), ordering="unit_total")
    def unit_count(self, section: Section) -> int:
        return section.unit_total


@admin.register(Unit)
class UnitAdmin(ContentAdmin):
    form = UnitForm
    inlines = [LessonInline]
    list_display = ["title", "section", "course", "position", "lesson_count"]
    list_filter = ["section__course"]
    list_select_related = ["section__course"]
    search_fields = ["title", "description", "section__title", "section__course__slug"]
    ordering = ["section__course__title", "section__position", "position"]
    fieldsets = [
        (None, {"fields": ["section", "position", "title", "description"]}),
        (_("On the path"), {"fields": ["guidebook", "color", "icon"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(lesson_total=Count("lessons"))

    @admin.display(description=_("course"), ordering="section__course__title")
    def course(self, unit: Unit) -> Course:
        return unit.section.course

    @admin.display(description=_("lessons"), ordering="lesson_total")
    def lesson_count(self, unit: Unit) -> int:
        return unit.lesson_total


# --- Lessons -------------------------------------------------------------------------------


@admin.register(Lesson)
class LessonAdmin(ContentAdmin):
    form = LessonForm
    inlines = [ExerciseInline]
    list_display = ["title", "slug", "unit", "course", "position", "xp_reward", "exercise_count"]
    list_filter = ["course", "unit__section"]
    list_select_related = ["course", "unit"]
    search_fields = ["slug", "title", "course__slug", "unit__title"]
    ordering = ["course__title", "unit__section__position", "unit__position", "position"]
    filter_horizontal = ["prerequisites"]
    readonly_fields = ["course", "add_exercise"]
    fieldsets = [
        (None, {"fields": ["unit", "course", "position", "slug", "title"]}),
        (_("Scoring"), {"fields": ["xp_reward", "pass_score"]}),
        # The field's help text says what prerequisites do.
        (_("Unlocking"), {"fields": ["prerequisites"]}),
        (_("Exercises"), {"fields": ["add_exercise"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(exercise_total=Count("exercises"))

    @admin.display(description=_("exercises"), ordering="exercise_total")
    def exercise_count(self, lesson: Lesson) -> int:
        return lesson.exercise_total

    @admin.display(description=_("new exercise"))
    def add_exercise(self, lesson: Lesson) -> str:
        if lesson.pk is None:
            return _("Save the lesson first.")
        return format_html(
            '<a class="addlink" href="{}?lesson={}">{}</a>',
            reverse("admin:courses_exercise_add"),
            lesson.pk,
            _("Add an exercise to this lesson"),
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="courses_lesson_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        lesson = self.get_object(request, unquote(object_id))
        if lesson is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, lesson):
            raise PermissionDenied
        lesson = lesson_preview_get(lesson_id=lesson.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": lesson,
            "lesson": lesson,
            "title": _("Preview: %(lesson)s") % {"lesson": lesson.title},
            "exercises": [_preview(exercise) for exercise in lesson.exercises.all()],
        }
        return TemplateResponse(request, PREVIEW_TEMPLATE, context)


def _preview(exercise: Exercise) -> dict:
    """What the preview page needs of one exercise: the learner's view and its solution."""
    answers = list(exercise.answers or [])
    item = {
        "exercise": exercise,
        "problems": [readable_problem(p) for p in exercise_problems(exercise_spec(exercise))],
        "solution": answers[0] if answers else "",
        "also_accepted": answers[1:],
        "options": list(exercise.options.all()),
        "words": list(exercise.words.all()),
    }
    if exercise.type == ExerciseType.FILL_BLANK and BLANK in exercise.prompt:
        before, _blank, after = exercise.prompt.partition(BLANK)
        item["blank"] = {"before": before, "after": after}
    if exercise.type == ExerciseType.WORD_BANK:
        used = set(item["solution"].split())
        item["tiles"] = [(tile, tile in used) for tile in exercise.tiles or ()]
    if exercise.type == ExerciseType.MATCH_PAIRS:
        pairs = [pair for pair in exercise.pairs or () if len(pair) == 2]
        # Learners see the right column shuffled; a seed per exercise keeps the page stable.
        right = [right for _left, right in pairs]
        random.Random(exercise.pk).shuffle(right)
        item["columns"] = list(zip([left for left, _right in pairs], right, strict=True))
        item["pairs"] = pairs
    return item


# --- Exercises and words -------------------------------------------------------------------


@admin.register(Exercise)
class ExerciseAdmin(ContentAdmin):
    form = ExerciseForm
    inlines = [OptionInline]
    list_display = ["__str__", "type", "lesson", "course", "position", "key"]
    list_filter = ["type", "lesson__course"]
    list_select_related = ["lesson__course"]
    search_fields = ["prompt", "key", "lesson__slug", "lesson__title", "answers"]
    ordering = ["lesson__course__title", "lesson__slug", "position"]
    autocomplete_fields = ["lesson", "words"]

    TYPE_FIELDSETS = {
        "answers": {
            ExerciseType.TRANSLATE,
            ExerciseType.LISTEN_TYPE,
            ExerciseType.FILL_BLANK,
            ExerciseType.WORD_BANK,
        },
        "tiles": {ExerciseType.WORD_BANK},
        "pairs": {ExerciseType.MATCH_PAIRS},
    }

    def get_fieldsets(self, request, obj=None):
        def group(field: str, title: str) -> tuple:
            # Fields of other types fold away once the type is known; all stay on the form. The
            # field's help text says which types use it.
            folded = obj is not None and obj.type not in self.TYPE_FIELDSETS[field]
            options = {"fields": [field]}
            if folded:
                options["classes"] = ["collapse"]
            return (title, options)

        return [
            (None, {"fields": ["lesson", "position", "key", "type"]}),
            (
                _("What the learner sees"),
                {"fields": ["prompt", "hint", "explanation", "audio", "image", "words"]},
            ),
            (_("The answer's language"), {"fields": ["answer_language"]}),
            group("answers", _("Accepted answers")),
            group("tiles", _("Word bank tiles")),
            group("pairs", _("Match pairs")),
        ]

    @admin.display(description=_("course"), ordering="lesson__course__title")
    def course(self, exercise: Exercise) -> Course:
        return exercise.lesson.course


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
