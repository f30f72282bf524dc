"""The ``upt`` app's URLs at a node: the same names as central's, with sending through the outbox and the
outbox as the history, a package's page from central's feedback; uploading a package file is central's."""

from collections.abc import Callable

from django.http import HttpResponse
from django.urls import path

from upt import urls as hosted
from upt import views_submission
from upt.node import feedback_views, views

app_name = "upt"

_NODE_VIEWS: dict[str, Callable[..., HttpResponse]] = {
    "submission_send": views.submission_send,
    "submission_list": views.submission_list,
    "package_upload": views.not_at_node,
    "submission_detail": feedback_views.node_submission_detail,  # central's answer, from its feedback
}

urlpatterns = [
    path(str(p.pattern), _NODE_VIEWS[p.name], name=p.name) if p.name in _NODE_VIEWS else p for p in hosted.urlpatterns
] + [
    path("<str:upt_code>/kirim/outbox/<uuid:package_id>/", views.outbox_send_now, name="outbox_send_now"),
]

assert views_submission  # the hosted views stay importable (download and the correction list are shared)
