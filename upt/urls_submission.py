"""URLs of the UPT's daily package pages (included by ``upt.urls`` under ``/upt/<upt_code>/``)."""

from django.urls import path

from upt import views_submission as views
from upt.node.guard import hosted_register_only

urlpatterns = [
    # Sending from central's copy of the register: refused for a UPT that runs its own node.
    path("<str:upt_code>/kirim/", hosted_register_only(views.submission_send), name="submission_send"),
    path("<str:upt_code>/kirim/unduh/", hosted_register_only(views.package_download), name="package_download"),
    path("<str:upt_code>/kirim/unggah/", hosted_register_only(views.package_upload), name="package_upload"),
    path("<str:upt_code>/kiriman/", views.submission_list, name="submission_list"),
    path("<str:upt_code>/kiriman/<uuid:package_id>/", views.submission_detail, name="submission_detail"),
    path("<str:upt_code>/koreksi/", views.correction_list, name="correction_list"),
]
