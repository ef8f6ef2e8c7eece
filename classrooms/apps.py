from django.apps import AppConfig


class ClassroomsConfig(AppConfig):
    name = "classrooms"

    def ready(self) -> None:
        from accounts.registry import exporter_register
        from classrooms.demo import demo_classroom_ensure
        from classrooms.selectors import classrooms_export
        from classrooms.services import weekly_digest_send
        from config.jobs import job_register
        from courses.demo_registry import demo_step_register

        exporter_register("classrooms", classrooms_export)
        demo_step_register("classroom", demo_classroom_ensure)

        job_register(
            "classrooms_weekly_digest",
            weekly_digest_send,
            description="weekly (Monday 07:00 UTC): each opted-in teacher's class alerts, by email",
        )
