"""kg.dates.resolve_date: date phrases as news writes them, resolved against the document's date."""
from __future__ import annotations

import datetime as dt

import pytest

from kg.dates import resolve_date

WEDNESDAY = dt.date(2025, 5, 14)  # the reference date of most cases: a Wednesday
THURSDAY = dt.date(2025, 5, 15)


def test_reference_days_are_the_weekdays_the_cases_assume():
    assert (WEDNESDAY.strftime("%A"), THURSDAY.strftime("%A")) == ("Wednesday", "Thursday")


@pytest.mark.parametrize(("phrase", "ref", "expected"), [
    # month and day without a year: the nearest occurrence
    ("May 12", WEDNESDAY, dt.date(2025, 5, 12)),
    ("on May 12", WEDNESDAY, dt.date(2025, 5, 12)),
    ("May 20", WEDNESDAY, dt.date(2025, 5, 20)),
    ("12 May", WEDNESDAY, dt.date(2025, 5, 12)),
    ("the 12th of May", WEDNESDAY, dt.date(2025, 5, 12)),
    ("Sept. 3", WEDNESDAY, dt.date(2025, 9, 3)),
    ("Dec 30", dt.date(2025, 1, 2), dt.date(2024, 12, 30)),  # across the new year, backwards
    ("January 3", dt.date(2025, 12, 20), dt.date(2026, 1, 3)),  # across the new year, forwards
    ("Thursday, May 8", WEDNESDAY, dt.date(2025, 5, 8)),
    # "last" forces the past, "next" the future
    ("last March 27", WEDNESDAY, dt.date(2025, 3, 27)),
    ("last March 27", dt.date(2025, 3, 20), dt.date(2024, 3, 27)),
    ("next March 27", dt.date(2025, 3, 30), dt.date(2026, 3, 27)),
    # weekdays: a bare weekday is in the past week, "next" is in the coming one
    ("on Thursday", WEDNESDAY, dt.date(2025, 5, 8)),
    ("Monday", WEDNESDAY, dt.date(2025, 5, 12)),
    ("on Wednesday", WEDNESDAY, WEDNESDAY),
    ("earlier on Wednesday", WEDNESDAY, WEDNESDAY),
    ("last Wednesday", WEDNESDAY, dt.date(2025, 5, 7)),
    ("last Thursday", WEDNESDAY, dt.date(2025, 5, 8)),
    ("next Thursday", WEDNESDAY, THURSDAY),
    ("next Thursday", THURSDAY, dt.date(2025, 5, 22)),
    ("next Monday", WEDNESDAY, dt.date(2025, 5, 19)),
    # days named relative to today
    ("yesterday", WEDNESDAY, dt.date(2025, 5, 13)),
    ("Yesterday", dt.date(2025, 3, 1), dt.date(2025, 2, 28)),
    ("today", WEDNESDAY, WEDNESDAY),
    ("tomorrow", WEDNESDAY, THURSDAY),
    # absolute dates ignore the reference
    ("2025-05-12", WEDNESDAY, dt.date(2025, 5, 12)),
    ("May 12, 2024", WEDNESDAY, dt.date(2024, 5, 12)),
    ("12 May 2024", WEDNESDAY, dt.date(2024, 5, 12)),
    ("May 12th, 2024", WEDNESDAY, dt.date(2024, 5, 12)),
    ("February 29", WEDNESDAY, dt.date(2024, 2, 29)),  # the nearest year that has the day
])
def test_resolves_to_one_day(phrase, ref, expected):
    assert resolve_date(phrase, ref) == expected


@pytest.mark.parametrize("phrase", [
    "earlier this month",
    "the coming weeks",
    "in the coming weeks",
    "last week",
    "next month",
    "March 2025",
    "the 1990s",
    "February 30",
    "February 30, 2024",
    "2025-02-30",
    "April 31",
    "",
])
def test_no_single_day_gives_none(phrase):
    assert resolve_date(phrase, WEDNESDAY) is None


@pytest.mark.parametrize("phrase", ["May 12", "12 May", "on Thursday", "next Thursday", "yesterday", "today",
                                    "last March 27"])
def test_relative_phrase_without_reference_gives_none(phrase):
    assert resolve_date(phrase, None) is None


@pytest.mark.parametrize(("phrase", "expected"), [
    ("2025-05-12", dt.date(2025, 5, 12)),
    ("May 12, 2024", dt.date(2024, 5, 12)),
    ("12 May 2024", dt.date(2024, 5, 12)),
])
def test_absolute_phrase_without_reference_gives_the_date(phrase, expected):
    assert resolve_date(phrase, None) == expected
