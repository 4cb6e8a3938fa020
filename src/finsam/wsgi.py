import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finsam.settings")
application = get_wsgi_application()

# Refuse to serve with keys that cannot read the stored data (docs/security.md, "Keys"): the server's
# workers stop at boot with the reason in the log, instead of answering 500 on every identity.
from django.conf import settings  # noqa: E402 - after Django is set up

from finsam.core.checks import startup_check  # noqa: E402

if not settings.TESTING:  # the tests build their database after importing the application
    startup_check()
