"""Sending takedown notices, exactly once.

    Notice rows (one per address, recipient, purpose, cycle; batch NULL)
        │  batching: per usable recipient, once its oldest notice is NOTICE_BATCH_DELAY old
        ▼
    NoticeBatch (pending) ──send_notice_batch──▶ delivery: claim, render, send, mark sent
        │                                           │ email (mail.py) or webhook (webhook.py)
        └── send_due_notices (beat): batch what is due, queue what is due or whose lease lapsed

Modules: batching, render (templates, lines, CSV), mail, webhook, delivery
(claim and outcome), dispatch (what the beat and the tasks call).
"""

# The task that sends one batch, queued by name (reportsite.queueing) from batching, delivery and dispatch.
SEND_BATCH_TASK = "takedown.tasks.send_notice_batch"
