import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finsam.settings")
application = get_wsgi_application()

# Refuse to serve with keys that cannot read the stored data (docs/security.md, "Keys"): the server's
# workers stop at boot with the reason in the log, instead of answering 500 on every identity.
from django.conf import settings  # noqa: E402 - after Django is set up

from finsam.core.checks import startup_check  # noqa: E402


def warm_up() -> None:
    """What every process would otherwise do on its first requests, done once at start: the views and what
    they import (the URL configuration), the templates compiled, the translations read, and matplotlib
    with its fonts loaded by drawing a chart. `finsam serve` loads the application in gunicorn's master
    before it starts its workers (`--preload`), so they begin with all of it, shared; the first person to
    open a statistics page does not wait a second or more for it."""
    from decimal import Decimal
    from pathlib import Path

    from django.template import engines
    from django.urls import get_resolver
    from django.utils import translation

    from finsam.reports import charts

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    engine = engines["django"]
    for directory in engine.template_dirs:
        root = Path(directory)
        for template in sorted(root.rglob("*.html")):
            engine.get_template(str(template.relative_to(root)))
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Statistik")
            charts.grouped_bar_chart(
                chart_id="warm-up",
                title="",
                description="",
                categories=["–"],
                series=[("–", [Decimal(1)])],
                format_value=str,
            ).svg()


if not settings.TESTING:  # the tests build their database after importing the application
    startup_check()
    warm_up()
    from django.db import connections

    connections.close_all()  # a preloading master must not hand its connection to the workers
