"""The terms' line between included and separately charged work, without the ORM."""

INCLUDED = "included"
BILLABLE = "billable"
TO_REVIEW = "to_review"


def classify(coverage, has_agreement, requires_reproduction=False, reproduced=False):
    """The scope of a ticket.

    - No covering agreement: billable, whatever it is about.
    - A category always charged separately: billable.
    - A category included in the agreement: included, except a program error,
      which is included only once it was reproduced on a standard test
      instance with standard test data; until then it is to review.
    - No category yet: to review.
    """
    if not has_agreement:
        return BILLABLE
    if coverage == BILLABLE:
        return BILLABLE
    if coverage != INCLUDED:
        return TO_REVIEW
    if requires_reproduction and not reproduced:
        return TO_REVIEW
    return INCLUDED
