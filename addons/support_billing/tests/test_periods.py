from datetime import date
from unittest import TestCase

from ..tools.periods import due_periods, period_end


class TestPeriods(TestCase):
    def test_period_is_one_month_long(self):
        self.assertEqual(period_end(date(2026, 1, 1)), date(2026, 1, 31))
        self.assertEqual(period_end(date(2026, 1, 31)), date(2026, 2, 27))
        self.assertEqual(period_end(date(2024, 2, 29)), date(2024, 3, 28))

    def test_missed_periods_are_all_due_oldest_first(self):
        self.assertEqual(
            due_periods(date(2026, 9, 1), date(2026, 11, 28), None),
            [
                (date(2026, 9, 1), date(2026, 9, 30)),
                (date(2026, 10, 1), date(2026, 10, 31)),
                (date(2026, 11, 1), date(2026, 11, 30)),
            ],
        )

    def test_nothing_due_before_the_period_starts_or_after_the_end(self):
        self.assertEqual(due_periods(date(2026, 12, 1), date(2026, 11, 28), None), [])
        self.assertEqual(
            due_periods(date(2026, 10, 1), date(2026, 11, 28), date(2026, 10, 14)),
            [(date(2026, 10, 1), date(2026, 10, 31))],
        )
