from celery import shared_task


@shared_task(name="bench.floor_app.tasks.floor_noop", ignore_result=True)
def floor_noop(row_id: int) -> int:
    """Nothing to do: the benchmark measures publishing it, not running it."""
    return row_id
