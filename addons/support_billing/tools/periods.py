"""Billing periods of an agreement, without the ORM."""

from datetime import date, timedelta

from odoo.addons.support_contract.tools.contract_dates import add_months


def period_end(start: date) -> date:
    """The last day of the monthly period that starts on ``start``."""
    return add_months(start, 1) - timedelta(days=1)


def due_periods(next_start: date, today: date, end: date | None):
    """[(start, end)] of the periods due by ``today``, from ``next_start`` on.

    A period is due once it has started; none starts after the agreement's
    end date (``end``, inclusive). Missed periods are all returned, oldest
    first, so a server that was down catches up one invoice per period.
    """
    periods = []
    start = next_start
    while start and start <= today and (end is None or start <= end):
        periods.append((start, period_end(start)))
        start = period_end(start) + timedelta(days=1)
    return periods
