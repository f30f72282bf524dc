from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token

from central.api import consolidations, views

app_name = "api"

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="token"),
    path("submissions/", views.SubmissionListCreate.as_view(), name="submission-list"),
    path("submissions/<uuid:package_id>/", views.SubmissionDetail.as_view(), name="submission-detail"),
    path("consolidations/", consolidations.ConsolidationListCreate.as_view(), name="consolidation-list"),
    path("consolidations/<int:pk>/", consolidations.ConsolidationDetail.as_view(), name="consolidation-detail"),
]
