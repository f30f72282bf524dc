from django.urls import path

from upt import views
from upt.urls_submission import urlpatterns as submission_urls

app_name = "upt"

urlpatterns = [
    path("", views.choose, name="choose"),
    path("<str:upt_code>/", views.home, name="home"),
    *submission_urls,
]
