from datetime import date
from itertools import pairwise
from unittest import TestCase

from ..tools.contract_dates import (
    contract_year,
    contract_year_by_number,
    minimum_term_end,
)


class TestContractDates(TestCase):
    def test_minimum_term_ends_the_day_before_the_anniversary(self):
        self.assertEqual(minimum_term_end(date(2026, 1, 15), 12), date(2027, 1, 14))
        self.assertEqual(minimum_term_end(date(2026, 3, 1), 12), date(2027, 2, 28))
        self.assertEqual(minimum_term_end(date(2027, 3, 1), 12), date(2028, 2, 29))

    def test_minimum_term_from_month_end_days(self):
        self.assertEqual(minimum_term_end(date(2026, 1, 31), 1), date(2026, 2, 27))
        self.assertEqual(minimum_term_end(date(2026, 8, 31), 12), date(2027, 8, 30))
        self.assertEqual(minimum_term_end(date(2026, 5, 30), 9), date(2027, 2, 27))
        self.assertEqual(minimum_term_end(date(2023, 5, 29), 9), date(2024, 2, 28))

    def test_first_contract_year_is_twelve_months_from_start(self):
        year = contract_year(date(2026, 1, 15), date(2026, 6, 1))
        self.assertEqual(year, (1, date(2026, 1, 15), date(2027, 1, 14)))

    def test_contract_year_changes_on_the_anniversary_not_before(self):
        start = date(2025, 4, 30)
        self.assertEqual(contract_year(start, date(2026, 4, 29)).number, 1)
        self.assertEqual(contract_year(start, date(2026, 4, 30)).number, 2)
        self.assertEqual(
            contract_year(start, date(2026, 4, 30)).start, date(2026, 4, 30)
        )

    def test_leap_day_start_keeps_its_day_in_leap_years(self):
        start = date(2024, 2, 29)
        years = [contract_year_by_number(start, n) for n in range(1, 6)]
        self.assertEqual(
            [y.start for y in years],
            [
                date(2024, 2, 29),
                date(2025, 2, 28),
                date(2026, 2, 28),
                date(2027, 2, 28),
                date(2028, 2, 29),
            ],
        )
        self.assertEqual(years[0].end, date(2025, 2, 27))
        self.assertEqual(years[3].end, date(2028, 2, 28))
        # Every day belongs to exactly one year, with no gap or overlap.
        for earlier, later in pairwise(years):
            self.assertEqual((later.start - earlier.end).days, 1)
        self.assertEqual(contract_year(start, date(2028, 2, 28)).number, 4)
        self.assertEqual(contract_year(start, date(2028, 2, 29)).number, 5)

    def test_starts_on_the_29th_to_31st(self):
        for start in (date(2025, 1, 29), date(2025, 1, 30), date(2025, 1, 31)):
            year = contract_year(start, date(2026, 1, 28))
            self.assertEqual(year.number, 1, start)
            self.assertEqual(year.end, date(2026, 1, start.day - 1), start)
            self.assertEqual(contract_year(start, start.replace(year=2026)).number, 2)
        self.assertEqual(contract_year(date(2023, 8, 31), date(2026, 8, 31)).number, 4)

    def test_no_contract_year_before_the_start(self):
        self.assertIsNone(contract_year(date(2026, 5, 1), date(2026, 4, 30)))
        with self.assertRaises(ValueError):
            contract_year_by_number(date(2026, 5, 1), 0)
