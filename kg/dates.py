"""Resolve date phrases ("May 12", "on Thursday", "last March 27", "yesterday") to calendar dates.

A phrase is resolved against the document's date when it is known; what cannot be pinned to one day
("earlier this month", "the coming weeks") gives None and the caller keeps the phrase as text.
"""
from __future__ import annotations

import datetime as dt
import re

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                          "sunday"])}

_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_MONTH_DAY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([A-Za-z]{3,9})\.?(?:,?\s+(\d{4}))?\b")


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year_for(month: int, day: int, ref: dt.date | None, *, past: bool, future: bool) -> int | None:
    """The year that puts month/day nearest the reference date ("last" forces the past, "next" the future)."""
    if ref is None:
        return None
    options = [(y, _safe(y, month, day)) for y in (ref.year - 1, ref.year, ref.year + 1)]
    options = [(y, d) for y, d in options if d is not None]
    if past:
        options = [(y, d) for y, d in options if d <= ref] or options
    if future:
        options = [(y, d) for y, d in options if d >= ref] or options
    return min(options, key=lambda o: abs((o[1] - ref).days))[0] if options else None


def resolve_date(phrase: str, ref: dt.date | None) -> dt.date | None:
    """The calendar date a phrase names, or None when it names no single day."""
    text = phrase.strip().lower()
    m = _ISO.search(text)
    if m:
        return _safe(int(m[1]), int(m[2]), int(m[3]))
    past = bool(re.search(r"\b(last|past|previous|earlier|ago)\b", text))
    future = bool(re.search(r"\b(next|coming|upcoming)\b", text))
    for pattern, order in ((_MONTH_DAY, "md"), (_DAY_MONTH, "dm")):
        m = pattern.search(text)
        if not m:
            continue
        month_word, day = (m[1], m[2]) if order == "md" else (m[2], m[1])
        month = _MONTHS.get(month_word.lower())
        if month is None:
            continue
        if m[3]:
            return _safe(int(m[3]), month, int(day))
        year = _year_for(month, int(day), ref, past=past, future=future)
        return _safe(year, month, int(day)) if year else None
    if ref is None:
        return None
    if re.search(r"\btoday\b|\bthis morning\b|\btonight\b", text):
        return ref
    if re.search(r"\byesterday\b|\blast night\b", text):
        return ref - dt.timedelta(days=1)
    if re.search(r"\btomorrow\b", text):
        return ref + dt.timedelta(days=1)
    for name, wd in _WEEKDAYS.items():
        if re.search(rf"\b{name}\b", text):
            delta = (ref.weekday() - wd) % 7
            if delta == 0 and re.search(rf"\b(last|past|previous)\s+{name}\b", text):
                delta = 7  # "last Wednesday" on a Wednesday is a week ago; "earlier on Wednesday" is today
            if future:
                return ref + dt.timedelta(days=(wd - ref.weekday()) % 7 or 7)
            # news reports a weekday in the past week; the same weekday means today
            return ref - dt.timedelta(days=delta)
    return None
