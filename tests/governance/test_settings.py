"""The reminder offsets come from FINSAM_REMINDER_DAYS_BEFORE / _AFTER, parsed strictly."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from finsam.settings import env_days


def test_reminder_days_are_parsed_from_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINSAM_REMINDER_DAYS_BEFORE", " 7, 30 ,7")
    assert env_days("FINSAM_REMINDER_DAYS_BEFORE", [1]) == [30, 7]
    monkeypatch.setenv("FINSAM_REMINDER_DAYS_BEFORE", "")
    assert env_days("FINSAM_REMINDER_DAYS_BEFORE", [30, 7]) == [30, 7]
    monkeypatch.delenv("FINSAM_REMINDER_DAYS_BEFORE")
    assert env_days("FINSAM_REMINDER_DAYS_BEFORE", [14]) == [14]


@pytest.mark.parametrize("value", ["trettio", "7;30", "-1", "367", ","])
def test_a_bad_reminder_day_stops_the_start_with_the_variables_name(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("FINSAM_REMINDER_DAYS_AFTER", value)
    with pytest.raises(ImproperlyConfigured, match="FINSAM_REMINDER_DAYS_AFTER"):
        env_days("FINSAM_REMINDER_DAYS_AFTER", [1, 14])
