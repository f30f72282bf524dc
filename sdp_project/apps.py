from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    from sdp_project.roles import roles_sync

    roles_sync()


class SdpProjectConfig(AppConfig):
    """The project itself as an app: role set-up, the home page, demo commands."""

    name = "sdp_project"
    verbose_name = "SDP"

    def ready(self) -> None:
        # Sent once per app; answering only our own (listed last) means every permission exists by then.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="sdp_project.roles_sync")
