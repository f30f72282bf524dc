from django.urls import path

from central import views

app_name = "central"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("konsolidasi/", views.run_list, name="run_list"),
    path("konsolidasi/jalankan/", views.consolidation_start, name="consolidation_start"),
    path("konsolidasi/<int:pk>/", views.run_detail, name="run_detail"),
    path("konflik/", views.conflict_list, name="conflict_list"),
    path("konflik/<int:pk>/", views.conflict_detail, name="conflict_detail"),
    path("kiriman/<int:pk>/buka-ulang/", views.submission_reopen_view, name="submission_reopen"),
]
