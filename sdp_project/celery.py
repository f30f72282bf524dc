"""The Celery application. Tasks are thin wrappers over services (see DESIGN §6)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sdp_project.settings")

app = Celery("sdp_project")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
