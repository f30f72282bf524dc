"""The URLs of a UPT node (``SDP_MODE=upt``): the UPT's pages, sign-in and account, the admin for its own
users (upt.node.admin_site), the probes. Central's pages (pusat/, laporan/, kanwil/, publik/, the API) are
not served: 404."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from central import account
from operations import views
from upt.node import views as node_views
from upt.node.admin_site import node_admin_site

urlpatterns = [
    path("", node_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("akun/masuk/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("akun/keluar/", views.LogoutView.as_view(), name="logout"),
    path("akun/sandi/", account.PasswordChange.as_view(), name="password_change"),
    path("akun/token/", include("central.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", node_admin_site().urls),  # only what a node serves (upt.node.admin_site)
    path("upt/", include("upt.node.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
