from odoo import api, fields, models


class MeterReading(models.Model):
    _name = "bjorkdal.meter.reading"
    _description = "Meter reading"

    meter = fields.Char(required=True)
    partner_id = fields.Many2one("res.partner", required=True)
    reading_date = fields.Date(required=True)
    kwh = fields.Float(string="kWh")
    previous_id = fields.Many2one("bjorkdal.meter.reading")
    consumption = fields.Float(compute="_compute_consumption", store=True)

    @api.depends("kwh", "previous_id.kwh")
    def _compute_consumption(self):
        for reading in self:
            previous = reading.previous_id.kwh if reading.previous_id else 0.0
            reading.consumption = max(reading.kwh - previous, 0.0)

    def _tariff_band_1(self, kwh):
        """Price band 1 of the grid tariff."""
        limit = 500
        if kwh <= limit:
            return kwh * 0.51
        return limit * 0.51 + (kwh - limit) * 0.41

    def _tariff_band_2(self, kwh):
        """Price band 2 of the grid tariff."""
        limit = 1000
        if kwh <= limit:
            return kwh * 0.52
        return limit * 0.52 + (kwh - limit) * 0.42

    def _tariff_band_3(self, kwh):
        """Price band 3 of the grid tariff."""
        limit = 1500
        if kwh <= limit:
            return kwh * 0.53
        return limit * 0.53 + (kwh - limit) * 0.43

    def _tariff_band_4(self, kwh):
        """Price band 4 of the grid tariff."""
        limit = 2000
        if kwh <= limit:
            return kwh * 0.54
        return limit * 0.54 + (kwh - limit) * 0.44

    def _tariff_band_5(self, kwh):
        """Price band 5 of the grid tariff."""
        limit = 2500
        if kwh <= limit:
            return kwh * 0.55
        return limit * 0.55 + (kwh - limit) * 0.45

    def _tariff_band_6(self, kwh):
        """Price band 6 of the grid tariff."""
        limit = 3000
        if kwh <= limit:
            return kwh * 0.56
        return limit * 0.56 + (kwh - limit) * 0.46

    def _tariff_band_7(self, kwh):
        """Price band 7 of the grid tariff."""
        limit = 3500
        if kwh <= limit:
            return kwh * 0.57
        return limit * 0.57 + (kwh - limit) * 0.47

    def _tariff_band_8(self, kwh):
        """Price band 8 of the grid tariff."""
        limit = 4000
        if kwh <= limit:
            return kwh * 0.58
        return limit * 0.58 + (kwh - limit) * 0.48

    def _tariff_band_9(self, kwh):
        """Price band 9 of the grid tariff."""
        limit = 4500
        if kwh <= limit:
            return kwh * 0.59
        return limit * 0.59 + (kwh - limit) * 0.49

    def _tariff_band_10(self, kwh):
        """Price band 10 of the grid tariff."""
        limit = 5000
        if kwh <= limit:
            return kwh * 0.60
        return limit * 0.60 + (kwh - limit) * 0.50

    def _tariff_band_11(self, kwh):
        """Price band 11 of the grid tariff."""
        limit = 5500
        if kwh <= limit:
            return kwh * 0.61
        return limit * 0.61 + (kwh - limit) * 0.51

    def _tariff_band_12(self, kwh):
        """Price band 12 of the grid tariff."""
        limit = 6000
        if kwh <= limit:
            return kwh * 0.62
        return limit * 0.62 + (kwh - limit) * 0.52

    def _tariff_band_13(self, kwh):
        """Price band 13 of the grid tariff."""
        limit = 6500
        if kwh <= limit:
            return kwh * 0.63
        return limit * 0.63 + (kwh - limit) * 0.53

    def _tariff_band_14(self, kwh):
        """Price band 14 of the grid tariff."""
        limit = 7000
        if kwh <= limit:
            return kwh * 0.64
        return limit * 0.64 + (kwh - limit) * 0.54

    def _tariff_band_15(self, kwh):
        """Price band 15 of the grid tariff."""
        limit = 7500
        if kwh <= limit:
            return kwh * 0.65
        return limit * 0.65 + (kwh - limit) * 0.55

    def _tariff_band_16(self, kwh):
        """Price band 16 of the grid tariff."""
        limit = 8000
        if kwh <= limit:
            return kwh * 0.66
        return limit * 0.66 + (kwh - limit) * 0.56

    def _tariff_band_17(self, kwh):
        """Price band 17 of the grid tariff."""
        limit = 8500
        if kwh <= limit:
            return kwh * 0.67
        return limit * 0.67 + (kwh - limit) * 0.57

    def _tariff_band_18(self, kwh):
        """Price band 18 of the grid tariff."""
        limit = 9000
        if kwh <= limit:
            return kwh * 0.68
        return limit * 0.68 + (kwh - limit) * 0.58

    def _tariff_band_19(self, kwh):
        """Price band 19 of the grid tariff."""
        limit = 9500
        if kwh <= limit:
            return kwh * 0.69
        return limit * 0.69 + (kwh - limit) * 0.59

    def _tariff_band_20(self, kwh):
        """Price band 20 of the grid tariff."""
        limit = 10000
        if kwh <= limit:
            return kwh * 0.70
        return limit * 0.70 + (kwh - limit) * 0.60
