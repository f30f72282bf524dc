from django.urls import path

from central.api import consolidations, node_views, views

app_name = "api"

# Object routes take any segment (``str``) and the views check it: a malformed ID then gets the API's JSON
# 404 like any other missing object, not the site's HTML page.
urlpatterns = [
    path("auth/token/", views.TokenObtain.as_view(), name="token"),
    path("submissions/", views.SubmissionListCreate.as_view(), name="submission-list"),
    path("submissions/<str:package_id>/", views.SubmissionDetail.as_view(), name="submission-detail"),
    path("consolidations/", consolidations.ConsolidationListCreate.as_view(), name="consolidation-list"),
    path("consolidations/<str:pk>/", consolidations.ConsolidationDetail.as_view(), name="consolidation-detail"),
    path("reference/", node_views.ReferenceView.as_view(), name="reference"),
    path("upts/<str:code>/feedback/", node_views.FeedbackView.as_view(), name="upt-feedback"),
]
