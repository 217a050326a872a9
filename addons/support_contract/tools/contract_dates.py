"""Contract dates: minimum term and contract years, without the ORM.

Every period is counted from the agreement's start date itself (never from
the previous period's end), so an agreement that starts on the 29th, 30th or
31st keeps its day of the month wherever the calendar allows it: an agreement
started on 29 February 2024 has contract years starting 28 February 2025,
28 February 2026, 28 February 2027 and 29 February 2028.

All end dates are inclusive: the last day that still belongs to the period.
"""

from collections import namedtuple
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

ContractYear = namedtuple("ContractYear", "number start end")
"""A contract year: ``number`` counts from 1, ``start`` and ``end`` inclusive."""

ONE_DAY = timedelta(days=1)


def add_months(start: date, months: int) -> date:
    """``start`` plus whole months, clamped to the end of shorter months."""
    return start + relativedelta(months=months)


def minimum_term_end(start: date, months: int) -> date:
    """The last day of a minimum term of ``months`` months from ``start``."""
    if months <= 0:
        return start - ONE_DAY
    return add_months(start, months) - ONE_DAY


def contract_year(start: date, on_date: date) -> ContractYear | None:
    """The contract year of an agreement started on ``start`` holding ``on_date``.

    None before the agreement starts.
    """
    if on_date < start:
        return None
    # A first guess from the calendar, corrected for month-end clamping.
    index = max(on_date.year - start.year - 1, 0)
    while add_months(start, 12 * (index + 1)) <= on_date:
        index += 1
    return ContractYear(
        number=index + 1,
        start=add_months(start, 12 * index),
        end=add_months(start, 12 * (index + 1)) - ONE_DAY,
    )


def contract_year_by_number(start: date, number: int) -> ContractYear:
    """Contract year ``number`` (from 1) of an agreement started on ``start``."""
    if number < 1:
        raise ValueError("contract years are counted from 1")
    return ContractYear(
        number=number,
        start=add_months(start, 12 * (number - 1)),
        end=add_months(start, 12 * number) - ONE_DAY,
    )
