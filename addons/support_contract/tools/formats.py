"""Numbers as the reader's language writes them (Swedish: "19 163", "30 %")."""

from odoo.tools.misc import formatLang


def count(env, value):
    """A whole count (code lines, blocks, files) with the thousands
    separator of ``env``'s language."""
    return formatLang(env, int(value or 0), digits=0)


def share(env, value):
    """A percentage's number without needless decimals: 30 or 12,5."""
    value = float(value or 0)
    return formatLang(env, value, digits=0 if value == int(value) else 1)
