"""Pricing arithmetic of the code-line count, without the ORM."""

import math


def code_line_quantity(code_lines, block_size):
    """Blocks of ``block_size`` lines charged for ``code_lines``, rounded up."""
    if block_size <= 0:
        raise ValueError("the block size must be positive")
    if code_lines <= 0:
        return 0
    return math.ceil(code_lines / block_size)
