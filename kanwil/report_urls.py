"""``/laporan/``: the report area — national, per region and per UPT (all read-only)."""

from django.urls import path

from kanwil import views
from kanwil.views import NATIONAL, REGION

app_name = "laporan"

national = {"level": NATIONAL}
region = {"level": REGION}

urlpatterns = [
    path("", views.index, name="index"),
    path("nasional/", views.dashboard, national, name="national"),
    path("nasional/kepatuhan/", views.compliance, national, name="national_compliance"),
    path("nasional/konsolidasi/", views.activity, national, name="national_activity"),
    path("nasional/konsolidasi/<int:run_id>/", views.run_detail, national, name="national_run"),
    path("nasional/hunian/", views.occupancy, national, name="national_occupancy"),
    path("nasional/rapor/", views.scorecard, national, name="national_scorecard"),
    path("wilayah/<str:code>/", views.dashboard, region, name="region"),
    path("wilayah/<str:code>/kepatuhan/", views.compliance, region, name="region_compliance"),
    path("wilayah/<str:code>/konsolidasi/", views.activity, region, name="region_activity"),
    path("wilayah/<str:code>/konsolidasi/<int:run_id>/", views.run_detail, region, name="region_run"),
    path("wilayah/<str:code>/hunian/", views.occupancy, region, name="region_occupancy"),
    path("wilayah/<str:code>/rapor/", views.scorecard, region, name="region_scorecard"),
    path("upt/<str:code>/", views.upt_page, name="upt"),
    path("upt/<str:code>/konsolidasi/<int:run_id>/", views.upt_run, name="upt_run"),
]
