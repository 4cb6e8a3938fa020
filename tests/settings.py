"""Test settings: the real settings with FINSAM_TESTING on (SQLite unless FINSAM_TEST_DATABASE_URL names
another database), and mistakes made loud."""

import os
import tempfile
import warnings

os.environ["FINSAM_TESTING"] = "1"
os.environ.setdefault("FINSAM_DATA_DIR", tempfile.mkdtemp(prefix="finsam-test-"))

from finsam.settings import *  # noqa: F403

MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# A naive datetime is a bug in this code base: fail instead of warning.
warnings.filterwarnings("error", r"DateTimeField .* received a naive datetime", RuntimeWarning)

# Tasks run at once, in the process that enqueues them (when the enqueuing transaction commits). The test of
# the worker itself (tests/followup/test_worker.py) switches to the database queue and a real worker.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than memory, so that a worker process started by a test sees the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise looks for it at start
