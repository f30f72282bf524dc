"""Type aliases shared by the apps, each defined once (DESIGN §6, "Typed code")."""

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User

# Whoever a selector or service acts for: request.user, a signed-in User or the AnonymousUser (django-stubs
# types request.user the same way). Writes that need an account take a User.
AnyUser: TypeAlias = User | AnonymousUser

__all__ = ["AnyUser", "User"]
