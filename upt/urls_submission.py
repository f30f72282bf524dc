"""URLs of the UPT's daily package pages (included by ``upt.urls`` under ``/upt/<upt_code>/``)."""

from django.urls import path

from upt import views_submission as views

urlpatterns = [
    path("<str:upt_code>/kirim/", views.submission_send, name="submission_send"),
    path("<str:upt_code>/kirim/unduh/", views.package_download, name="package_download"),
    path("<str:upt_code>/kirim/unggah/", views.package_upload, name="package_upload"),
    path("<str:upt_code>/kiriman/", views.submission_list, name="submission_list"),
    path("<str:upt_code>/kiriman/<uuid:package_id>/", views.submission_detail, name="submission_detail"),
    path("<str:upt_code>/koreksi/", views.correction_list, name="correction_list"),
]
