from django.urls import path

from kanwil import api

app_name = "reports_api"

urlpatterns = [
    path("occupancy/", api.OccupancyReportView.as_view(), name="occupancy"),
    path("compliance/", api.ComplianceReportView.as_view(), name="compliance"),
    path("daily-checks/", api.DailyChecksReportView.as_view(), name="daily_checks"),
    path("scorecard/", api.ScorecardReportView.as_view(), name="scorecard"),
]
