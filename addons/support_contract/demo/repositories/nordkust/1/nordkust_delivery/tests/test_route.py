from odoo.tests import TransactionCase


class TestRoute(TransactionCase):
    def test_stop_count(self):
        route = self.env["nordkust.delivery.route"].create({"name": "Hamnen"})
        self.assertEqual(route.stop_count, 0)
