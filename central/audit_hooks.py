"""Receivers for Django's and django-axes's authentication signals: each records one audit event.

Signals are the only hook these libraries give; the receivers do nothing but call the audit service.
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from central.models import AuditAction
from central.services.audit import audit_record


@receiver(user_logged_in, dispatch_uid="sdp.audit.login")
def _logged_in(sender, request, user, **kwargs):
    audit_record(action=AuditAction.LOGIN, actor=user, request=request)


@receiver(user_logged_out, dispatch_uid="sdp.audit.logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="sdp.audit.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    audit_record(action=AuditAction.LOGIN_FAILED, request=request, username=str(credentials.get("username", "")))


@receiver(user_locked_out, dispatch_uid="sdp.audit.locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(action=AuditAction.LOCKED_OUT, request=request, username=str(username or ""))
