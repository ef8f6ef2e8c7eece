"""Languages, courses (sections inline; publishing) and sections (units inline).

Publishing goes through `courses.services.course_publish`, never through the form: the status
is read-only here.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from courses.admin.base import ContentAdmin, admin_link, when
from courses.admin.forms import (
    CourseForm,
    SectionForm,
    SectionInlineFormSet,
    UnitInlineFormSet,
    readable_problem,
)
from courses.admin.packs import CoursePackAdminMixin
from courses.models import (
    Course,
    CourseStatus,
    Language,
    Section,
    Unit,
)
from courses.selectors import course_outline_get
from courses.services import CourseNotPublishable, course_publish, course_unpublish

PUBLISH_RESULTS_TEMPLATE = "admin/courses/course/publish_results.html"


# Messages beyond this many per course would bury the page; the results page lists them all.
PUBLISH_MESSAGES_PER_COURSE = 10


def _problem_message(problem) -> str:
    """A publishing problem's message, an exercise type named by label (see `readable_problem`)."""
    return readable_problem(problem.rule) if problem.rule is not None else problem.message


def _problem_text(problem) -> str:
    message = _problem_message(problem)
    return f"{problem.place}: {message}" if problem.place else message


class SectionInline(admin.TabularInline):
    model = Section
    formset = SectionInlineFormSet
    fields = ["position", "title", "cefr_level", "description"]
    ordering = ["position"]
    extra = 0
    show_change_link = True
    # Two short lines in the row; the section's own page has room for more.
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}


class UnitInline(admin.TabularInline):
    model = Unit
    formset = UnitInlineFormSet
    fields = ["position", "title", "color", "icon"]
    ordering = ["position"]
    extra = 0
    show_change_link = True


def _quiet(text: str) -> str:
    return format_html('<span class="quiet">{}</span>', text) if text else ""


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
    readonly_fields = [
        "status",
        "version",
        "last_published",
        "created_at",
        "updated_at",
        "outline",
    ]
    fieldsets = [
        (None, {"fields": ["slug", "title", "description"]}),
        (_("Outline"), {"fields": ["outline"]}),
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

    @admin.display(description=_("sections, units and lessons"))
    def outline(self, course: Course) -> str:
        """Every unit and lesson one click away, without opening each section first."""
        if course.pk is None:
            return _("Save the course, then add sections below.")
        sections = course_outline_get(course_id=course.pk)
        if not sections:
            return _("No sections yet: add them below.")
        return format_html(
            '<ul class="course-outline">{}</ul>',
            format_html_join(
                "",
                "<li>{} {}<ul>{}</ul></li>",
                (
                    (
                        admin_link(section),
                        _quiet(section.cefr_level),
                        format_html_join(
                            "",
                            "<li>{}<ul>{}</ul></li>",
                            (
                                (
                                    admin_link(unit),
                                    format_html_join(
                                        "",
                                        "<li>{} {}</li>",
                                        (
                                            (admin_link(lesson), _quiet(lesson.slug))
                                            for lesson in unit.lessons.all()
                                        ),
                                    ),
                                )
                                for unit in section.units.all()
                            ),
                        ),
                    )
                    for section in sections
                ),
            ),
        )

    @admin.display(description=_("last published"), ordering="published_at")
    def last_published(self, course: Course) -> str:
        # Unpublishing keeps the date: a draft may have been published before.
        return when(course.published_at) or _("never")

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
                        (problem, _problem_message(problem), self._problem_link(problem))
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
        if problem.target is None:
            return ""
        return admin_link(problem.target, _("fix"), field=problem.field)

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
