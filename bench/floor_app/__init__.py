"""The floor of the submission benchmark (bench/submissions.py), never part of the product.

One endpoint, /bench/floor/, on the product's own settings, middleware and
services: GET answers a tiny page with a CSRF token, POST inserts one row and,
after the commit, publishes one trivial Celery task, which is the least any
report form on this stack (gunicorn, Django, PostgreSQL, Redis) can do. It is
loaded only by bench/settings_floor.py.
"""
