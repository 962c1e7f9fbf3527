import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mookh.settings")
application = get_wsgi_application()

# `manage.py runserver` with tasks in-process (no broker): this process runs the periodic jobs too.
from mookh.inprocess_beat import start_for_development_server  # noqa: E402

start_for_development_server()
