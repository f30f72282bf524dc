"""The Celery application. Tasks are thin wrappers over services (see DESIGN §6)."""

import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sdp_project.settings")

app = Celery("sdp_project")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect(weak=False, dispatch_uid="sdp.logs.keep_django_logging")
def _keep_django_logging(**kwargs) -> None:
    """Workers log through settings.LOGGING (JSON lines with the run id), not Celery's own plain format."""
    from operations.logs import keep_django_logging

    keep_django_logging(**kwargs)
