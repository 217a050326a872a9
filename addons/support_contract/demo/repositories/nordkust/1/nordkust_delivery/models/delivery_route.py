"""Delivery routes along the west coast."""

from odoo import api, fields, models


class DeliveryRoute(models.Model):
    _name = "nordkust.delivery.route"
    _description = "Delivery route"

    name = fields.Char(required=True)
    harbour = fields.Char()
    # Stops are ordered by sequence.
    stop_ids = fields.One2many("nordkust.delivery.stop", "route_id")
    stop_count = fields.Integer(compute="_compute_stop_count")

    @api.depends("stop_ids")
    def _compute_stop_count(self):
        for route in self:
            route.stop_count = len(route.stop_ids)


class DeliveryStop(models.Model):
    _name = "nordkust.delivery.stop"
    _description = "Delivery stop"
    _order = "sequence"

    route_id = fields.Many2one("nordkust.delivery.route", required=True)
    sequence = fields.Integer()
    partner_id = fields.Many2one("res.partner")
