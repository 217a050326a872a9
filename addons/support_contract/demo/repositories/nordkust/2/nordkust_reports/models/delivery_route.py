from odoo import fields, models


class DeliveryRoute(models.Model):
    _inherit = "nordkust.delivery.route"

    report_note = fields.Text(help="Printed at the top of the route sheet.")

    def action_print_route(self):
        return self.env.ref("nordkust_reports.route_report").report_action(self)
