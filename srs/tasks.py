from celery import shared_task
from django.utils import timezone

from srs.selectors import morning_learner_batches
from srs.services import LEARNERS_PER_BATCH, daily_reviews_prepare


@shared_task(name="srs.tasks.morning_reviews")
def morning_reviews() -> int:
    """Hourly (beat): one `morning_reviews_batch` task per batch of learners whose local morning
    has come, so no single task has to reach them all within the task time limit. Returns the
    number of batches."""
    batches = morning_learner_batches(now=timezone.now(), size=LEARNERS_PER_BATCH)
    count = 0
    for user_ids in batches:
        morning_reviews_batch.delay(user_ids)
        count += 1
    return count


@shared_task(name="srs.tasks.morning_reviews_batch")
def morning_reviews_batch(user_ids: list[int]) -> dict[str, int]:
    """Today's sessions and reminders of these learners; harmless when run late or twice."""
    result = daily_reviews_prepare(user_ids=user_ids)
    return {"sessions_created": result.sessions_created, "reminders_sent": result.reminders_sent}
