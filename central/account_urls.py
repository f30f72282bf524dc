from django.urls import path

from central import account

app_name = "account"

urlpatterns = [
    path("", account.token_list, name="tokens"),
    path("<uuid:public_id>/cabut/", account.token_revoke_view, name="token_revoke"),
    path("keluar-semua/", account.sign_out_everywhere_view, name="sign_out_everywhere"),
]
