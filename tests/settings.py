"""Test settings: the real settings with FINSAM_TESTING on (SQLite unless FINSAM_TEST_DATABASE_URL names
another database), and mistakes made loud."""

import os
import tempfile
import warnings

os.environ["FINSAM_TESTING"] = "1"
os.environ.setdefault("FINSAM_DATA_DIR", tempfile.mkdtemp(prefix="finsam-test-"))
if _worker := os.environ.get("PYTEST_XDIST_WORKER"):
    # The workers of a parallel run inherit the directory of the process that started them: each takes
    # one of its own inside it, so that one's uploads are not in another's way.
    os.environ["FINSAM_DATA_DIR"] = os.path.join(os.environ["FINSAM_DATA_DIR"], _worker)

from finsam.settings import *  # noqa: F403

MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# A naive datetime is a bug in this code base: fail instead of warning.
warnings.filterwarnings("error", r"DateTimeField .* received a naive datetime", RuntimeWarning)

# Tasks run at once, in the process that enqueues them (when the enqueuing transaction commits). The test of
# the worker itself (tests/imports/test_worker.py) switches to the database queue and a real worker.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than memory, so that a worker process started by a test sees the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise looks for it at start
# WhiteNoise reads every static file through the finders when its middleware is built, and the test
# client builds the middleware anew for each Client: a few hundred file reads per client, most of the
# suite's time. Looking a file up when it is asked for serves the same files without that.
WHITENOISE_AUTOREFRESH = True
