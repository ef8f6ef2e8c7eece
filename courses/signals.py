"""A new `Course.content_revision` whenever what `GET courses/{slug}/` shows of a course changes,
however it changes: the admin's forms, inlines and delete actions, a course pack's import, a shell.
Every such write is a model's save or delete (the importer's parking UPDATEs are followed by the
saves that place the rows), so these receivers see them all; `course_publish`, which updates the
row in one statement, sets the revision itself."""

import uuid

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from courses.models import Course, Language, Lesson, Section, Unit
from courses.services import courses_revise


@receiver(pre_save, sender=Course, dispatch_uid="courses.course_revised_on_save")
def _course_revised_on_save(sender, instance: Course, raw=False, **kwargs) -> None:
    # On the instance, so the save writes it: no second statement, and a copy saved later
    # cannot put an older revision back.
    if not raw:
        instance.content_revision = uuid.uuid4()


@receiver(post_save, sender=Course, dispatch_uid="courses.course_revised_on_partial_save")
def _course_revised_on_partial_save(sender, instance: Course, update_fields=None, **kwargs):
    # A save of some fields only does not write the one set above.
    if update_fields is not None and "content_revision" not in update_fields:
        courses_revise(pk=instance.pk)


@receiver(post_save, sender=Section, dispatch_uid="courses.revise_on_section_save")
@receiver(post_delete, sender=Section, dispatch_uid="courses.revise_on_section_delete")
def _revise_on_section(sender, instance: Section, **kwargs) -> None:
    courses_revise(pk=instance.course_id)


@receiver(post_save, sender=Unit, dispatch_uid="courses.revise_on_unit_save")
@receiver(post_delete, sender=Unit, dispatch_uid="courses.revise_on_unit_delete")
def _revise_on_unit(sender, instance: Unit, **kwargs) -> None:
    courses_revise(sections__id=instance.section_id)


@receiver(post_save, sender=Lesson, dispatch_uid="courses.revise_on_lesson_save")
@receiver(post_delete, sender=Lesson, dispatch_uid="courses.revise_on_lesson_delete")
def _revise_on_lesson(sender, instance: Lesson, **kwargs) -> None:
    # Its course, and the course of its unit should a shell have moved it to another course's
    # unit (the tree is read by units; the admin refuses such moves).
    courses_revise(Q(pk=instance.course_id) | Q(sections__units__id=instance.unit_id))
    # A deleted lesson leaves the lessons that waited for it (another course's, maybe) with
    # one prerequisite fewer; its links went with it, without an m2m_changed.
    waiting = instance.__dict__.pop("_waiting_course_ids", None)
    if waiting:
        courses_revise(pk__in=waiting)


@receiver(pre_delete, sender=Lesson, dispatch_uid="courses.note_waiting_courses")
def _note_waiting_courses(sender, instance: Lesson, **kwargs) -> None:
    instance._waiting_course_ids = list(
        Lesson.objects.filter(prerequisites=instance).values_list("course_id", flat=True)
    )


@receiver(
    m2m_changed, sender=Lesson.prerequisites.through, dispatch_uid="courses.revise_on_requirement"
)
def _revise_on_requirement(sender, instance: Lesson, action: str, reverse: bool, pk_set, **kwargs):
    if not reverse:  # lesson.prerequisites: the lesson's own course changes
        if action.startswith("post_"):
            courses_revise(pk=instance.course_id)
        return
    # lesson.unlocks: the lessons waiting for `instance` change, `pk_set` (a clear names none, so
    # they are noted before it).
    if action == "pre_clear":
        instance._unlocked_ids = list(instance.unlocks.values_list("pk", flat=True))
    elif action.startswith("post_"):
        waiting = instance.__dict__.pop("_unlocked_ids", ()) if action == "post_clear" else pk_set
        courses_revise(lessons__id__in=list(waiting or ()))


@receiver(post_save, sender=Language, dispatch_uid="courses.revise_on_language_save")
def _revise_on_language(sender, instance: Language, **kwargs) -> None:
    courses_revise(Q(learning_language=instance) | Q(from_language=instance))
