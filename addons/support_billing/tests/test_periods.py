from datetime import date
from unittest import TestCase

from ..tools.periods import due_periods, period_end, period_of

JAN1 = date(2026, 1, 1)


class TestPeriods(TestCase):
    def test_period_is_one_month_long(self):
        self.assertEqual(period_end(JAN1, date(2026, 1, 1)), date(2026, 1, 31))
        self.assertEqual(period_end(JAN1, date(2026, 2, 1)), date(2026, 2, 28))

    def test_periods_keep_the_start_day_like_contract_years(self):
        anchor = date(2026, 1, 31)
        starts = [
            start
            for start, _end in due_periods(anchor, anchor, date(2026, 6, 29), None)
        ]
        self.assertEqual(
            starts,
            [
                date(2026, 1, 31),
                date(2026, 2, 28),
                date(2026, 3, 31),
                date(2026, 4, 30),
                date(2026, 5, 31),
            ],
        )
        self.assertEqual(period_end(anchor, date(2026, 2, 28)), date(2026, 3, 30))
        self.assertEqual(period_end(anchor, date(2026, 3, 31)), date(2026, 4, 29))
        # A leap day anchor: 28 February in common years, 29 in leap years.
        leap = date(2024, 2, 29)
        self.assertEqual(period_of(leap, date(2025, 2, 28))[0], date(2025, 2, 28))
        self.assertEqual(period_of(leap, date(2028, 2, 29))[0], date(2028, 2, 29))
        self.assertEqual(
            period_of(leap, date(2028, 3, 28)), (date(2028, 2, 29), date(2028, 3, 28))
        )

    def test_the_period_of_a_day(self):
        anchor = date(2026, 1, 31)
        self.assertEqual(
            period_of(anchor, date(2026, 3, 30)), (date(2026, 2, 28), date(2026, 3, 30))
        )
        self.assertEqual(
            period_of(anchor, date(2026, 3, 31)), (date(2026, 3, 31), date(2026, 4, 29))
        )
        self.assertEqual(
            period_of(JAN1, date(2026, 11, 28)), (date(2026, 11, 1), date(2026, 11, 30))
        )

    def test_missed_periods_are_all_due_oldest_first(self):
        self.assertEqual(
            due_periods(JAN1, date(2026, 9, 1), date(2026, 11, 28), None),
            [
                (date(2026, 9, 1), date(2026, 9, 30)),
                (date(2026, 10, 1), date(2026, 10, 31)),
                (date(2026, 11, 1), date(2026, 11, 30)),
            ],
        )

    def test_nothing_due_before_the_period_starts_or_after_the_end(self):
        self.assertEqual(
            due_periods(JAN1, date(2026, 12, 1), date(2026, 11, 28), None), []
        )
        self.assertEqual(
            due_periods(
                JAN1, date(2026, 10, 1), date(2026, 11, 28), date(2026, 10, 14)
            ),
            [(date(2026, 10, 1), date(2026, 10, 31))],
        )
