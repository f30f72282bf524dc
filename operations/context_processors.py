"""Navigation for the base template: which sections this person's role opens."""

from central.mode import is_node
from central.selectors.roles import user_role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = user_role(user=user)
    return {
        "sdp_role": role,
        "sdp_role_label": role.label if role else ("Admin" if user.is_superuser else ""),
        "sdp_node": is_node(),  # a UPT node links only to its UPT's pages (central's are not served there)
    }
