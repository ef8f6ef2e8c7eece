from django.apps import AppConfig


class ClassroomsConfig(AppConfig):
    name = "classrooms"

    def ready(self) -> None:
        from classrooms.services import weekly_digest_send
        from config.jobs import job_register

        job_register(
            "classrooms_weekly_digest",
            weekly_digest_send,
            description="weekly (Monday 07:00 UTC): each opted-in teacher's class alerts, by email",
        )
