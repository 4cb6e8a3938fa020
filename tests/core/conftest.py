"""The follow-up fixture and the capture of every log record, for the tests of backup and restore."""

from tests.followup.conftest import Followup, fu
from tests.followup.test_logs_hold_no_identity import all_logs

__all__ = ["Followup", "all_logs", "fu"]
