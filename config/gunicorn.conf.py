"""gunicorn settings for the web nodes: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Every value can be changed through the environment without editing this file (GUNICORN_BIND, WEB_CONCURRENCY, ...).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# Sync workers: each serves one request at a time; 2 per CPU plus one is the usual starting point.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # a ledger export of a whole district takes a while
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak never grows for weeks.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Each worker loads the application itself, so `systemctl reload partyhub-web` (HUP) starts workers with the new
# code after an upgrade while the old ones finish their requests (with preload_app they would keep the old code).
preload_app = False
# The proxy's address; X-Forwarded-* headers are trusted only from it.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "partyhub-web"

# Logs on stderr (journald or the process manager keeps them).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client, request line, status, bytes, milliseconds and the request id the application logs carry too.
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s "%(a)s"'
