"""The teacher pages under /teach/ (and the invite link learners follow): parse, call, render.

Only members of the `teachers` group reach the teacher pages (403 for anyone else signed in);
a class the teacher does not teach is a 404, as if it did not exist. A teacher sees a student's
learning data only: never a password, an email only when the student shared it, and there is no
way to act as the student.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.selectors import user_is_teacher
from classrooms import charts
from classrooms.exports import csv_bytes, items_table, progress_table
from classrooms.forms import (
    AlertsForm,
    AssignmentForm,
    ClassroomForm,
    ClassroomSettingsForm,
    CoTeacherForm,
    DigestForm,
)
from classrooms.models import Classroom
from classrooms.selectors import (
    alerts_get,
    assignment_completion,
    assignment_of_classroom_get,
    assignments_of,
    class_xp_per_day,
    classroom_for_teacher_get,
    classroom_is_taught_by,
    classroom_teachers,
    classrooms_for_teacher,
    item_analytics,
    member_get,
    member_ids_active,
    members_left,
    roster_get,
    sort_parse,
    student_detail_get,
    teacher_wants_digest,
)
from classrooms.services import (
    assignment_create,
    assignment_delete,
    classroom_archive,
    classroom_by_code_for,
    classroom_create,
    classroom_join,
    classroom_update,
    co_teacher_add,
    co_teacher_remove,
    join_code_regenerate,
    teacher_settings_update,
)
from config.api.errors import ApplicationError
from courses.selectors import (
    course_lessons_in_order,
    course_published_by_slug,
    courses_published_choices,
)


def teacher_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not user_is_teacher(user=request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _classroom(request, classroom_id: int) -> Classroom:
    classroom = classroom_for_teacher_get(teacher=request.user, classroom_id=classroom_id)
    if classroom is None:
        raise Http404("No such classroom.")
    return classroom


def _form_errors(form, error: ApplicationError) -> None:
    for name, problems in (error.fields or {}).items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)
    if not error.fields:
        form.add_error(None, error.message)


def _invite_url(request, classroom: Classroom) -> str:
    return request.build_absolute_uri(reverse("classrooms:join", args=[classroom.join_code]))


@teacher_required
@require_http_methods(["GET", "POST"])
def teacher_home(request):
    """The teacher's classes, archived ones apart, and their digest setting."""
    digest = DigestForm(initial={"weekly_digest": teacher_wants_digest(teacher=request.user)})
    if request.method == "POST":
        digest = DigestForm(request.POST)
        if digest.is_valid():
            teacher_settings_update(
                teacher=request.user, weekly_digest=digest.cleaned_data["weekly_digest"]
            )
            messages.success(request, "Your digest setting is saved.")
            return redirect("classrooms:home")
    return render(
        request,
        "classrooms/home.html",
        {
            "classrooms": list(classrooms_for_teacher(teacher=request.user)),
            "archived": list(classrooms_for_teacher(teacher=request.user, archived=True)),
            "digest_form": digest,
        },
    )


@teacher_required
@require_http_methods(["GET", "POST"])
def classroom_new(request):
    courses = courses_published_choices()
    form = ClassroomForm(
        request.POST or None, courses=courses, initial={"timezone": request.user.timezone}
    )
    if request.method == "POST" and form.is_valid():
        course = course_published_by_slug(slug=form.cleaned_data["course"])
        try:
            classroom = classroom_create(
                owner=request.user,
                name=form.cleaned_data["name"],
                course=course,
                timezone_name=form.cleaned_data["timezone"],
            )
        except ApplicationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Your class {classroom.name} is ready: share its code.")
            return redirect("classrooms:detail", classroom.id)
    # A form sent back with its errors is a 400, on every teacher page.
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "classrooms/classroom_new.html",
        {"form": form, "courses": courses},
        status=status,
    )


@teacher_required
@require_GET
def classroom_detail(request, classroom_id: int):
    classroom = _classroom(request, classroom_id)
    now = timezone.now()
    assignments = assignments_of(classroom=classroom)
    sort = request.GET.get("sort")
    rows = roster_get(classroom=classroom, assignments=assignments, now=now, sort=sort)
    thresholds_given = {"inactive_days", "accuracy_below"} & set(request.GET)
    alerts_form = AlertsForm(request.GET if thresholds_given else None)
    inactive_days, accuracy_below = alerts_form.thresholds()
    if not alerts_form.is_bound:
        alerts_form = AlertsForm(
            initial={"inactive_days": inactive_days, "accuracy_below": accuracy_below}
        )
    alerts = alerts_get(
        rows=rows,
        assignments=assignments,
        now=now,
        inactive_days=inactive_days,
        accuracy_below=accuracy_below,
    )
    xp_days = class_xp_per_day(
        student_ids=[row.student.pk for row in rows], classroom=classroom, now=now
    )
    completion = assignment_completion(assignments=assignments, rows=rows)
    sort_key, descending = sort_parse(sort)
    sort_columns = [
        ("name", "Student"),
        ("week_xp", "XP this week"),
        ("streak", "Streak"),
        ("last_active", "Last active"),
        ("lessons", "Lessons completed"),
        ("accuracy", "Accuracy (30 days)"),
        ("done", "Assignments done"),
    ]
    return render(
        request,
        "classrooms/classroom_detail.html",
        {
            "classroom": classroom,
            "teachers": classroom_teachers(classroom=classroom),
            "invite_url": _invite_url(request, classroom),
            "assignments": assignments,
            "rows": rows,
            "left": members_left(classroom=classroom),
            "alerts": alerts,
            "alerts_form": alerts_form,
            "xp_chart": charts.daily_bars(xp_days),
            "xp_days": xp_days,
            "completion": completion,
            "completion_chart": charts.completion_bars(
                [(a.title, counts) for a, counts in completion], students=len(rows)
            ),
            "sort_key": sort_key,
            "descending": descending,
            "sort_columns": sort_columns,
            "sort_label": dict(sort_columns)[sort_key],
        },
    )


@teacher_required
@require_http_methods(["GET", "POST"])
def classroom_settings(request, classroom_id: int):
    """Rename, change the time zone, archive, regenerate the code, add co-teachers."""
    classroom = _classroom(request, classroom_id)
    form = ClassroomSettingsForm(
        request.POST or None, initial={"name": classroom.name, "timezone": classroom.timezone}
    )
    if request.method == "POST" and form.is_valid():
        try:
            classroom_update(
                classroom=classroom,
                name=form.cleaned_data["name"],
                timezone_name=form.cleaned_data["timezone"],
            )
        except ApplicationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("classrooms:detail", classroom.id)
    return render(
        request,
        "classrooms/classroom_settings.html",
        {
            "classroom": classroom,
            "form": form,
            "co_teacher_form": CoTeacherForm(),
            "teachers": classroom_teachers(classroom=classroom),
        },
        status=400 if request.method == "POST" else 200,
    )


@teacher_required
@require_POST
def classroom_archive_view(request, classroom_id: int):
    classroom = _classroom(request, classroom_id)
    choice = request.POST.get("archive", "1")
    if choice not in ("0", "1"):
        # Anything else ("true", "yes") would otherwise read as "restore": the opposite of asked.
        return HttpResponseBadRequest("archive is 1 (archive) or 0 (restore).")
    archive = choice == "1"
    classroom_archive(classroom=classroom, archived=archive)
    messages.success(request, "Archived: students can no longer join." if archive else "Restored.")
    return redirect("classrooms:detail", classroom.id)


@teacher_required
@require_POST
def join_code_regenerate_view(request, classroom_id: int):
    classroom = _classroom(request, classroom_id)
    code = join_code_regenerate(classroom=classroom)
    messages.success(request, f"New join code: {code}. The old code no longer works.")
    return redirect("classrooms:detail", classroom.id)


@teacher_required
@require_POST
def co_teacher_add_view(request, classroom_id: int):
    classroom = _classroom(request, classroom_id)
    form = CoTeacherForm(request.POST)
    if form.is_valid():
        try:
            link, created = co_teacher_add(classroom=classroom, email=form.cleaned_data["email"])
        except ApplicationError as error:
            _form_errors(form, error)
        else:
            if created:
                messages.success(request, "Co-teacher added.")
            else:
                messages.info(
                    request, f"{link.teacher.get_full_name()} already teaches this class."
                )
            return redirect("classrooms:settings", classroom.id)
    return render(
        request,
        "classrooms/classroom_settings.html",
        {
            "classroom": classroom,
            "form": ClassroomSettingsForm(
                initial={"name": classroom.name, "timezone": classroom.timezone}
            ),
            "co_teacher_form": form,
            "teachers": classroom_teachers(classroom=classroom),
        },
        status=400,
    )


@teacher_required
@require_POST
def co_teacher_remove_view(request, classroom_id: int, teacher_id: int):
    classroom = _classroom(request, classroom_id)
    if not co_teacher_remove(classroom=classroom, teacher_id=teacher_id):
        raise Http404("No such co-teacher in this class.")
    if teacher_id == request.user.pk:
        # A co-teacher who removed themselves no longer sees the class.
        messages.success(request, f"You no longer teach {classroom.name}.")
        return redirect("classrooms:home")
    messages.success(request, "Co-teacher removed.")
    return redirect("classrooms:settings", classroom.id)


@teacher_required
@require_http_methods(["GET", "POST"])
def assignment_new(request, classroom_id: int):
    classroom = _classroom(request, classroom_id)
    lessons = [
        (lesson.id, f"{lesson.unit.title} · {lesson.title}")
        for lesson in course_lessons_in_order(course_id=classroom.course_id)
    ]
    form = AssignmentForm(request.POST or None, lessons=lessons)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment_create(
                classroom=classroom,
                created_by=request.user,
                title=data["title"],
                lesson_ids=data["lessons"],
                xp_goal=data["xp_goal"] or 0,
                starts_at=data["starts_at"],
                due_at=data["due_at"],
            )
        except ApplicationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Assignment {data['title']} set.")
            return redirect("classrooms:detail", classroom.id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "classrooms/assignment_new.html",
        {"classroom": classroom, "form": form},
        status=status,
    )


@teacher_required
@require_POST
def assignment_delete_view(request, classroom_id: int, assignment_id: int):
    classroom = _classroom(request, classroom_id)
    assignment = assignment_of_classroom_get(classroom=classroom, assignment_id=assignment_id)
    if assignment is None:
        raise Http404("No such assignment in this class.")
    assignment_delete(assignment=assignment)
    messages.success(request, f"Assignment {assignment.title} deleted.")
    return redirect("classrooms:detail", classroom.id)


@teacher_required
@require_GET
def student_detail(request, classroom_id: int, student_id: int):
    classroom = _classroom(request, classroom_id)
    membership = member_get(classroom=classroom, student_id=student_id)
    if membership is None:
        raise Http404("No such student in this class.")
    return render(
        request,
        "classrooms/student_detail.html",
        {
            "classroom": classroom,
            "detail": student_detail_get(classroom=classroom, membership=membership),
        },
    )


@teacher_required
@require_GET
def items(request, classroom_id: int):
    classroom = _classroom(request, classroom_id)
    rows = item_analytics(classroom=classroom, student_ids=member_ids_active(classroom=classroom))
    return render(request, "classrooms/items.html", {"classroom": classroom, "items": rows})


def _csv_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _slug(classroom: Classroom) -> str:
    """An ASCII file name: a header value outside Latin-1 would go out MIME-encoded, which
    browsers save under that encoded name ("Élève" becomes "eleve"; a Greek name, "class-7")."""
    return slugify(classroom.name)[:40].strip("-") or f"class-{classroom.id}"


@teacher_required
@require_GET
def progress_csv(request, classroom_id: int):
    classroom = _classroom(request, classroom_id)
    assignments = assignments_of(classroom=classroom)
    rows = roster_get(classroom=classroom, assignments=assignments)
    header, body = progress_table(rows=rows, assignments=assignments)
    return _csv_response(csv_bytes(header, body), f"{_slug(classroom)}-progress.csv")


@teacher_required
@require_GET
def items_csv(request, classroom_id: int):
    classroom = _classroom(request, classroom_id)
    rows = item_analytics(classroom=classroom, student_ids=member_ids_active(classroom=classroom))
    header, body = items_table(items=rows)
    return _csv_response(csv_bytes(header, body), f"{_slug(classroom)}-items.csv")


# --- The invite link: any signed-in person, learner or not ---------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def join(request, code: str):
    """Where a class's invite link leads. A stranger signs in or up first (the login page keeps
    `next`, so they come back here); joining takes a click, never a bare GET."""
    try:
        classroom = classroom_by_code_for(user=request.user, code=code)
        if classroom is not None and request.method == "POST":
            classroom_join(student=request.user, code=code)
            return render(request, "classrooms/joined.html", {"classroom": classroom})
    except ApplicationError as error:
        # Too many wrong codes (429); or, on a click, a class archived (or its code changed)
        # since the lookup just above (404).
        return render(
            request,
            "classrooms/join.html",
            {"classroom": None, "error": error.message},
            status=error.status_code,
        )
    if classroom is None:
        return render(request, "classrooms/join.html", {"classroom": None}, status=404)
    return render(
        request,
        "classrooms/join.html",
        {
            "classroom": classroom,
            "code": code,
            "teaches": classroom_is_taught_by(classroom=classroom, user=request.user),
        },
    )
