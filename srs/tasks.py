from celery import shared_task

from srs.services import daily_reviews_prepare


@shared_task(name="srs.tasks.morning_reviews")
def morning_reviews() -> dict[str, int]:
    """Hourly (beat): prepare the day's reviews of learners whose local morning has come."""
    result = daily_reviews_prepare()
    return {"sessions_created": result.sessions_created, "reminders_sent": result.reminders_sent}
