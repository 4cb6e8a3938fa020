"""The statistics app's face for the apps above it (the national level): the national figures, always
suppressed (R-SUPPRESS), and the years to choose from."""

from __future__ import annotations

from finsam.statistics.outcomes import (
    SUPPRESSED_TEXT,
    Statistics,
    StatisticsTable,
    national_statistics,
    years,
)

__all__ = ["SUPPRESSED_TEXT", "Statistics", "StatisticsTable", "national_statistics", "years"]
