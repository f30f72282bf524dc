"""The sign-in notes in the session whether the person must first change a password an administrator set.

Django's ``user_logged_in`` is the one hook every way of signing in passes through (the login page, the
admin's, a test's ``force_login``); the receiver only calls the service.
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from central.services.passwords import password_change_remember


@receiver(user_logged_in, dispatch_uid="sdp.password_change_due")
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        password_change_remember(request=request, user=user)
