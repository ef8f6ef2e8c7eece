"""Course packs in the admin: upload a pack to create or update a course, download one back.

`CoursePackAdminMixin` goes first in the Course admin's bases. It adds:

- an "Import course pack" page (linked from the course list), linking to a page on the pack
  format and to the pack's JSON Schema: upload a pack `.json`, or a `.zip`
  holding `pack.json` and its media; every problem is listed with its place in the pack and
  nothing is written; on success a message says what changed;
- a "Course pack" column with download links per course (JSON, or a zip with the media), and a
  "Download course packs" action (one course: its JSON; several: a zip of their JSON files).
  A downloaded JSON uploads back onto its course as it is: the media it names are the course's
  own, kept where they are stored (see `courses.packs`); the zip also carries them elsewhere.

The page and the downloads are thin: `courses.packs` does the work.
"""

import io
import zipfile

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from courses.packs import (
    PackError,
    course_pack_dumps,
    course_pack_export,
    course_pack_import,
    course_pack_zip,
    pack_load_upload,
    pack_schema,
)
from courses.packs.loading import ZIP_MAX_BYTES

IMPORT_TEMPLATE = "admin/courses/course/import_pack.html"
FORMAT_TEMPLATE = "admin/courses/course/pack_format.html"


class CoursePackImportForm(forms.Form):
    pack = forms.FileField(
        label=_("Course pack"),
        help_text=_(
            "A pack .json file, or a .zip holding pack.json and the media files it names. A "
            ".json brings no audio or images of its own: it may name those the course already "
            "has (as its JSON download does), and new ones come in a .zip."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the pack and say what would change; save nothing"), required=False
    )

    def clean_pack(self):
        upload = self.cleaned_data["pack"]
        if upload.size > ZIP_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s bytes."), params={"limit": ZIP_MAX_BYTES}
            )
        return upload


class CoursePackAdminMixin:
    change_list_template = "admin/courses/course/change_list.html"

    # --- urls -------------------------------------------------------------------------------

    def get_urls(self):
        info = (self.opts.app_label, self.opts.model_name)
        wrap = self.admin_site.admin_view
        return [
            path(
                "import-pack/",
                wrap(self.import_pack_view),
                name="{}_{}_import_pack".format(*info),
            ),
            path(
                "import-pack/format/",
                wrap(self.pack_format_view),
                name="{}_{}_pack_format".format(*info),
            ),
            path(
                "import-pack/schema.json",
                wrap(self.pack_schema_view),
                name="{}_{}_pack_schema".format(*info),
            ),
            path(
                "<path:object_id>/pack.json",
                wrap(self.download_pack_view),
                name="{}_{}_download_pack".format(*info),
            ),
            path(
                "<path:object_id>/pack.zip",
                wrap(self.download_pack_view),
                {"with_media": True},
                name="{}_{}_download_pack_zip".format(*info),
            ),
            *super().get_urls(),
        ]

    def has_import_pack_permission(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    # --- the course list --------------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import_pack": self.has_import_pack_permission(request),
        }
        return super().changelist_view(request, extra_context=extra_context)

    def get_list_display(self, request):
        shown = list(super().get_list_display(request))
        return [*shown, "pack_downloads"] if "pack_downloads" not in shown else shown

    @admin.display(description=_("Course pack"))
    def pack_downloads(self, course):
        info = (self.opts.app_label, self.opts.model_name)
        return format_html(
            '<a href="{}">JSON</a> · <a href="{}" title="{}">ZIP</a>',
            reverse("admin:{}_{}_download_pack".format(*info), args=[course.pk]),
            reverse("admin:{}_{}_download_pack_zip".format(*info), args=[course.pk]),
            _("The pack with its audio and images"),
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        if self.has_view_permission(request):
            actions["download_packs"] = self.get_action("download_packs")
        return actions

    @admin.action(description=_("Download course packs (JSON)"))
    def download_packs(self, request, queryset):
        courses = list(queryset.order_by("slug"))
        if len(courses) == 1:
            return _json_response(courses[0])
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for course in courses:
                archive.writestr(
                    f"{course.slug}.json", course_pack_dumps(course_pack_export(course=course))
                )
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="course-packs.zip"'
        return response

    # --- pages ------------------------------------------------------------------------------

    def download_pack_view(self, request, object_id, with_media=False):
        course = self.get_object(request, unquote(object_id))
        if course is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, course):
            raise PermissionDenied
        if not with_media:
            return _json_response(course)
        try:
            data = course_pack_zip(course=course)
        except PackError as error:
            for problem in error.problems:
                self.message_user(request, str(problem), messages.ERROR)
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            )
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{course.slug}.zip"'
        return response

    def import_pack_view(self, request):
        if not self.has_import_pack_permission(request):
            raise PermissionDenied
        problems = []
        posted = request.method == "POST"
        form = CoursePackImportForm(*((request.POST, request.FILES) if posted else ()))
        if posted and form.is_valid():
            dry_run = form.cleaned_data["dry_run"]
            try:
                loaded = pack_load_upload(form.cleaned_data["pack"].read())
                report = course_pack_import(
                    pack=loaded.pack, files=loaded.files, by=request.user, dry_run=dry_run
                )
            except PackError as error:
                problems = error.problems
                form.add_error(None, error.message)
            else:
                self.message_user(request, report.summary(), messages.SUCCESS)
                return HttpResponseRedirect(self._after_import_url(request, report, dry_run))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import course pack"),
            "form": form,
            "problems": problems,
        }
        return TemplateResponse(request, IMPORT_TEMPLATE, context)

    def pack_format_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("The course pack format"),
        }
        return TemplateResponse(request, FORMAT_TEMPLATE, context)

    def pack_schema_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return JsonResponse(pack_schema(), json_dumps_params={"indent": 2})

    def _after_import_url(self, request, report, dry_run: bool) -> str:
        info = (self.opts.app_label, self.opts.model_name)
        if dry_run:
            return reverse("admin:{}_{}_import_pack".format(*info))
        if self.has_change_permission(request, report.course):
            return reverse("admin:{}_{}_change".format(*info), args=[report.course.pk])
        return reverse("admin:{}_{}_changelist".format(*info))


def _json_response(course) -> HttpResponse:
    response = HttpResponse(
        course_pack_dumps(course_pack_export(course=course)),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{course.slug}.json"'
    return response
