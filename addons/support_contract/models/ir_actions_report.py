import io
from collections import OrderedDict

from odoo import models

from odoo.addons.base.models.ir_actions_report import _wkhtml


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Several records printed at once with a wkhtmltopdf of unpatched
        Qt (Debian's, which the set-up installs): it renders one document per
        call, so each record is rendered on its own; Odoo's
        ``_render_qweb_pdf`` then saves each record's attachment as usual and
        merges the documents into one PDF."""
        distinct = list(OrderedDict.fromkeys(res_ids or []))
        if len(distinct) < 2 or _wkhtml().is_patched_qt:
            return super()._render_qweb_pdf_prepare_streams(
                report_ref, data, res_ids=res_ids
            )
        streams = OrderedDict()
        for res_id in distinct:
            streams.update(
                super()._render_qweb_pdf_prepare_streams(
                    report_ref, dict(data or {}), res_ids=[res_id]
                )
            )
        if len(distinct) == len(res_ids):
            return streams
        # A record printed twice: one document, as Odoo returns it then,
        # never saved as any record's attachment.
        with self._merge_pdfs(
            [streams[res_id]["stream"] for res_id in res_ids]
        ) as merged:
            content = merged.getvalue()
        return OrderedDict({False: {"stream": io.BytesIO(content), "attachment": None}})
