from django.urls import path

from upt import views, views_transfers
from upt.urls_submission import urlpatterns as submission_urls

app_name = "upt"

urlpatterns = [
    path("", views.choose, name="choose"),
    path("<str:upt_code>/", views.home, name="home"),
    path("<str:upt_code>/wbp/", views.person_list_view, name="person_list"),
    path("<str:upt_code>/wbp/baru/", views.person_create_view, name="person_create"),
    path("<str:upt_code>/wbp/noreg/<path:reg_number>", views.person_by_reg, name="person_by_reg"),
    path("<str:upt_code>/wbp/<int:pk>/", views.person_detail, name="person_detail"),
    path("<str:upt_code>/wbp/<int:pk>/ubah/", views.person_update_view, name="person_update"),
    path("<str:upt_code>/wbp/<int:pk>/mutasi/", views.movement_create_view, name="movement_create"),
    path("<str:upt_code>/wbp/<int:pk>/remisi/", views.remission_create_view, name="remission_create"),
    path("<str:upt_code>/wbp/<int:pk>/foto/", views.person_photo, name="person_photo"),
    path("<str:upt_code>/mutasi-masuk/", views_transfers.incoming_list, name="incoming_list"),
    path("<str:upt_code>/mutasi-masuk/<uuid:uid>/", views_transfers.incoming_accept, name="incoming_accept"),
    *submission_urls,
]
