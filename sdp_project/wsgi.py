import os

from django.core.wsgi import get_wsgi_application

from sdp_project.env import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sdp_project.settings")
require_secret_key()
application = get_wsgi_application()
