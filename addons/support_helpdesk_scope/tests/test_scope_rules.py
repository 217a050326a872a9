from unittest import TestCase

from ..tools.scope import BILLABLE, INCLUDED, TO_REVIEW, classify


class TestScopeRules(TestCase):
    def test_no_agreement_is_always_billable(self):
        self.assertEqual(classify("included", has_agreement=False), BILLABLE)
        self.assertEqual(classify("billable", has_agreement=False), BILLABLE)

    def test_separately_charged_categories_are_billable(self):
        self.assertEqual(classify("billable", has_agreement=True), BILLABLE)

    def test_included_categories_are_included(self):
        self.assertEqual(classify("included", has_agreement=True), INCLUDED)

    def test_program_error_is_included_only_once_reproduced(self):
        self.assertEqual(classify("included", True, True, reproduced=False), TO_REVIEW)
        self.assertEqual(classify("included", True, True, reproduced=True), INCLUDED)

    def test_unknown_category_is_to_review(self):
        self.assertEqual(classify(False, has_agreement=True), TO_REVIEW)
