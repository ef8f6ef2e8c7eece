from celery import shared_task

from config.jobs import job_run


@shared_task(name="config.tasks.job_run_task")
def job_run_task(name: str):
    """What every beat row calls: the registered job `name`, at the moment the worker runs it."""
    return job_run(name)
