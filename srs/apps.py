from django.apps import AppConfig


class SrsConfig(AppConfig):
    name = "srs"
    verbose_name = "Spaced repetition"

    def ready(self) -> None:
        from accounts.registry import exporter_register
        from srs import checks  # noqa: F401  (registers the system checks)
        from srs.selectors import srs_export

        exporter_register("srs", srs_export)

        from config.jobs import job_register
        from srs.services import daily_reviews_prepare

        def morning_reviews(*, at):
            result = daily_reviews_prepare(now=at)
            return {
                "sessions_created": result.sessions_created,
                "reminders_sent": result.reminders_sent,
            }

        job_register(
            "morning_reviews",
            morning_reviews,
            description="hourly: today's reviews and reminder for learners whose morning came",
        )
