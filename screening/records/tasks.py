"""Background tasks (django-tasks): long jobs a worker runs off the request, as `db_worker`."""

from django.db import transaction
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from screening.rules.models import ImpactRun

from . import impact


@task()
def impact_preview(run_id: int) -> int:
    """Evaluate an impact run to its end; each chunk is committed, so its page shows progress."""
    run = impact.advance(run_id)
    while not run.finished:
        run = impact.advance(run_id)
    return run.done


@transaction.atomic
def start_preview(*, rule_set, user, clinic) -> ImpactRun:
    """A new impact run of `rule_set`, queued for a worker in the transaction that creates it."""
    run = impact.start_run(rule_set=rule_set, user=user, clinic=clinic)
    run.task_id = impact_preview.enqueue(run.pk).id
    ImpactRun.objects.filter(pk=run.pk).update(task_id=run.task_id)  # the task may have saved it
    run.refresh_from_db()
    return run


def preview_state(run: ImpactRun) -> str:
    """ "finished", "waiting" (for a worker), "working", or "stopped" (it cannot go on)."""
    if run.finished:
        return "finished"
    if not run.task_id:
        return "stopped"  # a run of the request-driven days: nothing drives it any more
    if not impact_preview.get_backend().supports_get_result:
        return "working"
    try:
        status = impact_preview.get_result(run.task_id).status
    except TaskResultDoesNotExist:
        return "stopped"
    if status == TaskResultStatus.READY:
        return "waiting"
    if status == TaskResultStatus.FAILED:
        return "stopped"
    return "working"
