def monthly_total(readings):
    """The month's consumption of a list of readings."""
    total = 0.0
    for reading in readings:
        total += reading.consumption
    return total
