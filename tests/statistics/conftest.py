"""The follow-up fixture (two interventions with their coordinators), shared with the follow-up tests."""

from tests.followup.conftest import Followup, fu

__all__ = ["Followup", "fu"]
