from django.urls import path

from upt import views

app_name = "upt"

urlpatterns = [
    path("", views.choose, name="choose"),
    path("<str:upt_code>/", views.home, name="home"),
]
