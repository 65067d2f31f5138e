"""Time: one tick is one hour; tick 0 is Monday 00:00.

Work hours are workdays (Monday-Friday) from ``clock.work_start`` to ``clock.work_end``;
evenings run to ``clock.day_end`` on workdays; weekend days are active from
``clock.day_start`` to ``clock.day_end``; the rest is night.
The traits act through this clock: blocking removes work hours, the 8-to-5 mindset
removes (almost) everything else.
"""

from __future__ import annotations

import numpy as np

from sim.params import ClockParams

HOURS_PER_DAY = 24
DAYS_PER_WEEK = 7
HOURS_PER_WEEK = HOURS_PER_DAY * DAYS_PER_WEEK


def hour_of_day(tick):
    """Hour of the day (0-23) of a tick."""
    return tick % HOURS_PER_DAY


def weekday(tick):
    """Day of the week of a tick (0 = Monday)."""
    return (tick // HOURS_PER_DAY) % 7


def is_end_of_day(tick) -> bool:
    """The last hour of a day (daily events run after it)."""
    return (tick + 1) % HOURS_PER_DAY == 0


def is_end_of_week(tick) -> bool:
    """The last hour of a week (weekly events run after it)."""
    return (tick + 1) % HOURS_PER_WEEK == 0


def work_hours_mask(clock: ClockParams) -> np.ndarray:
    """Boolean (168,): True in work hours of the week."""
    h = np.arange(HOURS_PER_WEEK)
    return (weekday(h) < 5) & (hour_of_day(h) >= clock.work_start) & (hour_of_day(h) < clock.work_end)


def base_profile(clock: ClockParams) -> np.ndarray:
    """Relative online rate for each hour of the week of an unconstrained professional."""
    h = np.arange(HOURS_PER_WEEK)
    hod, wd = hour_of_day(h), weekday(h)
    profile = np.full(HOURS_PER_WEEK, clock.night_weight, dtype=float)
    weekend_day = (wd >= 5) & (hod >= clock.day_start) & (hod < clock.day_end)
    evening = (wd < 5) & (hod >= clock.work_end) & (hod < clock.day_end)
    profile[weekend_day] = clock.weekend_weight
    profile[evening] = clock.evening_weight
    profile[work_hours_mask(clock)] = clock.work_weight
    return profile


AVAILABILITY_CLASSES = 4  # blocked_at_work x office_hours_mindset: two yes/no traits, fixed by design


def availability_class(blocked_at_work, office_hours_mindset):
    """Row of :func:`availability_profiles` for these traits (scalars or arrays)."""
    return np.asarray(blocked_at_work).astype(int) + 2 * np.asarray(office_hours_mindset).astype(int)


def availability_profiles(clock: ClockParams) -> np.ndarray:
    """Online-rate profiles (4, 168) for the availability classes.

    Normalised so that an unconstrained professional (class 0) has on average one session
    per week per unit of attention budget.

    Class index = ``blocked_at_work + 2 * office_hours_mindset``:
    0 neither, 1 blocked (no work hours), 2 8-to-5 mindset (work hours only, plus a small
    leak), 3 both (only the leak outside work hours: almost never online).
    """
    base = base_profile(clock)
    work = work_hours_mask(clock)
    blocked = np.where(work, 0.0, base)
    office = np.where(work, base, base * clock.office_hours_leak)
    both = np.where(work, 0.0, base * clock.office_hours_leak)
    profiles = np.stack([base, blocked, office, both])
    return profiles / base.sum()
