"""Delivery routes along the west coast."""

from odoo import api, fields, models


class DeliveryRoute(models.Model):
    _name = "nordkust.delivery.route"
    _description = "Delivery route"

    name = fields.Char(required=True)
    harbour = fields.Char()
    ferry = fields.Boolean(help="The route takes a ferry.")
    # Stops are ordered by sequence.
    stop_ids = fields.One2many("nordkust.delivery.stop", "route_id")
    stop_count = fields.Integer(compute="_compute_stop_count")
    distance_km = fields.Float(compute="_compute_distance", store=True)

    @api.depends("stop_ids")
    def _compute_stop_count(self):
        for route in self:
            route.stop_count = len(route.stop_ids)

    @api.depends("stop_ids.distance_km")
    def _compute_distance(self):
        for route in self:
            route.distance_km = sum(route.stop_ids.mapped("distance_km"))


class DeliveryStop(models.Model):
    _name = "nordkust.delivery.stop"
    _description = "Delivery stop"
    _order = "sequence"

    route_id = fields.Many2one("nordkust.delivery.route", required=True)
    sequence = fields.Integer()
    partner_id = fields.Many2one("res.partner")
    distance_km = fields.Float()
