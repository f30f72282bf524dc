"""``/publik/``: SDP Publik — occupancy figures without signing in (national → Kanwil → UPT)."""

from django.urls import path

from kanwil import public

app_name = "publik"

urlpatterns = [
    path("", public.national, name="national"),
    path("<str:kanwil_code>/", public.region, name="region"),
    path("<str:kanwil_code>/<str:upt_code>/", public.unit, name="unit"),
]
