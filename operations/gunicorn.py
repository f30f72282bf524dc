"""Gunicorn's configuration for SDP's web processes: ``gunicorn -c python:operations.gunicorn sdp_project.wsgi``.

Threads rather than many processes: a page spends most of its time waiting for PostgreSQL, and each process
holds its own copy of Django (≈100 MB), so two processes of four threads serve a 2-core machine. A request
body is capped by Django before it is read (``SUBMISSION_MAX_MB`` for packages, 2.5 MB for forms); the limits
below bound the request line and headers, which Django never sees before gunicorn has read them.
"""

from __future__ import annotations

import os

from sdp_project.env import env_int, env_str

bind = env_str("WEB_BIND", f"{os.environ.get('SDP_HOST', '127.0.0.1')}:{os.environ.get('SDP_PORT', '8000')}")
workers = env_int("WEB_WORKERS", 2, minimum=1, maximum=64)
worker_class = "gthread"
threads = env_int("WEB_THREADS", 4, minimum=1, maximum=64)
# A request still running after this many seconds is a stuck worker: gunicorn replaces it. Receiving a
# maximum-size package takes a few seconds; a report export well under one.
timeout = env_int("WEB_TIMEOUT", 120, minimum=10)
graceful_timeout = env_int("WEB_GRACEFUL_TIMEOUT", 30, minimum=1)
keepalive = 5
# A worker is replaced after this many requests (with jitter), so memory a request left behind is returned.
max_requests = env_int("WEB_MAX_REQUESTS", 2000, minimum=0)
max_requests_jitter = max_requests // 10
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# The web server reads the client's address from X-Forwarded-For only behind a proxy it trusts.
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = "-"
errorlog = "-"
loglevel = env_str("LOG_LEVEL", "info").lower()
# One JSON object per request, with the request id the application put in the response headers; the path
# never carries a person's name or NIK (searches are POSTed, docs/TRUST.md), so it is logged as is.
access_log_format = (
    '{"time": "%(t)s", "logger": "gunicorn.access", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", '
    '"status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s, "request_id": "%({x-request-id}o)s"}'
)
