from django.urls import path

from kanwil import views

app_name = "kanwil"

urlpatterns = [
    path("", views.start, name="dashboard"),
]
