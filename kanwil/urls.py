from django.urls import path

from kanwil import views

app_name = "kanwil"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
