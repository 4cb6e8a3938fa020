"""Test settings: the real settings with FINSAM_TESTING on (SQLite in memory unless
FINSAM_TEST_DATABASE_URL names another database), and mistakes made loud."""

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
# the worker itself switches to the database queue.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise looks for it at start
