"""Monthly billing periods of an agreement, without the ORM.

Like contract years (``support_contract/tools/contract_dates.py``), period
``n`` is counted from the agreement's start date itself (its anchor), never
from the previous period's end, so an agreement that starts on the 31st
keeps its day wherever the calendar allows it: periods start on 31 January,
28 February, 31 March, 30 April... End dates are inclusive.
"""

from datetime import date, timedelta

from odoo.addons.support_contract.tools.contract_dates import add_months

ONE_DAY = timedelta(days=1)


def period_by_index(anchor: date, index: int) -> tuple[date, date]:
    """(start, end) of period ``index`` (from 0) of an agreement from ``anchor``."""
    return add_months(anchor, index), add_months(anchor, index + 1) - ONE_DAY


def period_index(anchor: date, day: date) -> int:
    """The index of the period holding ``day`` (negative before ``anchor``)."""
    # A first guess from the calendar, corrected for month-end clamping.
    index = (day.year - anchor.year) * 12 + day.month - anchor.month
    while add_months(anchor, index) > day:
        index -= 1
    while add_months(anchor, index + 1) <= day:
        index += 1
    return index


def period_of(anchor: date, day: date) -> tuple[date, date]:
    """(start, end) of the period that holds ``day``."""
    return period_by_index(anchor, period_index(anchor, day))


def period_end(anchor: date, start: date) -> date:
    """The last day of the period that holds ``start``."""
    return period_of(anchor, start)[1]


def due_periods(anchor: date, next_start: date, today: date, end: date | None):
    """[(start, end)] of the periods due by ``today``, from ``next_start`` on.

    A period is due once it has started; none starts after the agreement's
    end date (``end``, inclusive). Missed periods are all returned, oldest
    first, so a server that was down catches up one invoice per period. A
    ``next_start`` inside a period (moved by hand) begins with the rest of
    that period.
    """
    if not next_start:
        return []
    found = []
    index = period_index(anchor, next_start)
    start = next_start
    while start <= today and (end is None or start <= end):
        found.append((start, period_by_index(anchor, index)[1]))
        index += 1
        start = period_by_index(anchor, index)[0]
    return found
