from odoo import models


class MailTrackingValue(models.Model):
    _inherit = "mail.tracking.value"

    def _format_display_value(self, field_type, new=True):
        # Odoo keeps the label of a tracked selection value as text, in the
        # language of whoever made the change (English when a scheduled
        # action or an English user did): it is shown in the reader's
        # language instead (a ticket's scope "Inkluderad → Debiterbar" for a
        # Swedish customer on the portal).
        values = super()._format_display_value(field_type, new=new)
        if field_type != "selection":
            return values
        return [
            tracking._support_selection_label(value)
            for tracking, value in zip(self, values, strict=True)
        ]

    def _support_selection_label(self, value):
        """``value``, a label of this tracking's selection field in any
        installed language, in the current language; unchanged when it is no
        label of the field."""
        self.ensure_one()
        options = self.sudo().field_id.selection_ids
        if not value or not options:
            return value
        for code, _name in self.env["res.lang"].get_installed():
            for option in options.with_context(lang=code):
                if option.name == value:
                    return option.with_env(self.env).sudo().name
        return value
