"""gunicorn settings for reportsite (`make up`, deploy/ units).

The access log leaves out the client address, User-Agent and Referer: a
reporter's identity must not reach any log line.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("WEB_THREADS", "1"))
timeout = 30
graceful_timeout = 20
keepalive = 5
# Bodies are small (64 KiB at most); refuse oversized request lines and headers early.
limit_request_line = 8190
limit_request_fields = 60
accesslog = "-" if os.environ.get("ACCESS_LOG", "true").lower() in ("1", "true", "yes") else None
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
