from . import meter_reading
