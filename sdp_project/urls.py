from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from central import account
from operations import views

urlpatterns = [
    path("", views.home, name="home"),
    # Probes for load balancers and monitoring: no login, answered before host checks (ProbeMiddleware).
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("akun/masuk/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("akun/keluar/", views.LogoutView.as_view(), name="logout"),
    path("akun/sandi/", account.PasswordChange.as_view(), name="password_change"),
    path("akun/token/", include("central.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("upt/", include("upt.urls")),
    path("kanwil/", include("kanwil.urls")),
    path("laporan/", include("kanwil.report_urls")),
    # SDP Publik: figures for anyone, no login (docs/REPORTS.md).
    path("publik/", include("kanwil.public_urls")),
    path("api/v1/reports/", include("kanwil.api_urls")),
    path("pusat/", include("central.urls")),
    path("api/v1/", include("central.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Redoc's bundle inserts <style> elements it cannot give the nonce: inline style on this page only; its
    # scripts stay nonce-only (templates/drf_spectacular/redoc.html).
    path(
        "api/redoc/",
        csp_replace({"style-src": [SELF, UNSAFE_INLINE]})(SpectacularRedocView.as_view(url_name="api-schema")),
        name="api-redoc",
    ),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
