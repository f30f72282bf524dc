import os

from django.core.asgi import get_asgi_application

from sdp_project.env import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sdp_project.settings")
require_secret_key()
application = get_asgi_application()
