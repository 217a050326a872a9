from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_amount


class HelpdeskTicket(models.Model):
    """Billable work and the customer's consent: telling the customer a
    ticket is billable, asking the approval the agreement requires (of the
    work from now on and of the hours logged before), and the answer given
    on the portal."""

    _inherit = "helpdesk.ticket"

    def _support_approval_answer_user(self):
        """Who follows a customer's answer to billable work up: a Support
        Manager (the agreement's responsible when he is one)."""
        self.ensure_one()
        company = self.company_id or self.env.company
        return company._support_manager_for(self.agreement_id.sudo())

    def _support_mark_logged_before(self):
        """The ticket became billable now: the time logged so far was logged
        before the decision, and is billed only if the customer approves those
        hours by name (the reclassification asks when staff say so)."""
        ask = self.env.context.get("support_ask_logged_hours")
        for ticket in self:
            before = ticket.sudo().timesheet_ids.filtered(
                lambda line: not line.support_before_billable
            )
            before.support_before_billable = True
            values = {"billable_since": fields.Datetime.now()}
            if ticket.sudo().timesheet_ids.filtered("support_before_billable"):
                values["logged_hours_state"] = "asked" if ask else "not_asked"
            else:
                values["logged_hours_state"] = "none"
            ticket.with_context(support_no_scope_notice=True).sudo().write(values)

    def _support_notify_billable(self, reason=None):
        """Tell the customer, in the customer's language, that the ticket is
        billable and why; where the agreement asks for approval, the ticket
        waits for it."""
        for ticket in self:
            needs_approval = bool(ticket.agreement_id.support_billable_approval)
            if needs_approval and ticket.approval_state not in ("approved",):
                ticket.with_context(
                    support_no_scope_notice=True, support_approval_write=True
                ).write(
                    {
                        "approval_state": "pending",
                        "approval_partner_id": False,
                        "approval_date": False,
                    }
                )
            local = ticket._support_in_customer_lang()
            if local.hourly_rate_set:
                rate = format_amount(local.env, local.hourly_rate, local.currency_id)
            else:
                rate = local.env._("a rate we confirm before billing")
            why = (
                reason
                or local.scope_reason
                or (
                    local.category_id.name
                    and local.support_coverage == "billable"
                    and local.env._(
                        "%(category)s is charged separately.",
                        category=local.category_id.name,
                    )
                )
                or (
                    not local.agreement_id
                    and local.env._("No agreement covers this ticket.")
                )
                or local.env._("The work is not covered by your agreement.")
            )
            body = Markup("<p>%s</p><p>%s</p>") % (
                local.env._(
                    "This ticket is not covered by your agreement: work on it is "
                    "billed at %(rate)s per hour.",
                    rate=rate,
                ),
                local.env._("Reason: %(reason)s", reason=why),
            )
            if needs_approval and ticket.approval_state == "pending":
                body += Markup("<p>%s</p>") % local.env._(
                    "We start the billable work once you approve it on the "
                    "ticket's page in the portal."
                )
            if local.logged_hours_state == "asked":
                body += Markup("<p>%s</p>") % local.env._(
                    "%(hours)s hours were logged on this ticket before it became "
                    "billable (%(amount)s). They are billed only if you approve "
                    "them on the ticket's page in the portal.",
                    hours=local._support_format_hours(local.logged_hours),
                    amount=format_amount(
                        local.env, local.logged_amount, local.currency_id
                    ),
                )
            elif local.logged_hours_state == "not_asked":
                body += Markup("<p>%s</p>") % local.env._(
                    "The %(hours)s hours logged before are not billed: only time "
                    "logged from now on is.",
                    hours=local._support_format_hours(local.logged_hours),
                )
            partners = ticket.partner_id | ticket.commercial_partner_id
            ticket.message_post(
                body=body,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                author_id=ticket._support_notice_author().id,
                partner_ids=partners.filtered("email").ids,
            )

    def _support_answer_approval(self, approve, partner, logged=False):
        """The customer's answer: ``approve`` the billable work from now on
        (and, with ``logged``, the hours logged before, as they were named),
        or decline what was asked: neither is then billed."""
        self.ensure_one()
        asked_logged = self.logged_hours_state == "asked"
        pending = self.approval_state == "pending"
        if not pending and not asked_logged:
            raise UserError(
                self.env._(
                    "%(ticket)s is not waiting for your approval.",
                    ticket=self.display_name,
                )
            )
        if not pending:
            # Only the hours logged before were asked: approving is for them.
            logged = True
        values = {
            "approval_partner_id": partner.id,
            "approval_date": fields.Datetime.now(),
        }
        if pending:
            values["approval_state"] = "approved" if approve else "declined"
        if asked_logged:
            values["logged_hours_state"] = (
                "approved" if approve and logged else "declined"
            )
        self.with_context(support_approval_write=True).write(values)
        local = self.with_context(lang=partner.lang or self.env.lang)
        env = local.env
        hours = local._support_format_hours(local.logged_hours)
        amount = format_amount(env, local.logged_amount, local.currency_id)
        if not approve and pending:
            body = env._(
                "%(partner)s declined the billable work: nothing of it is billed.",
                partner=partner.name,
            )
        elif not approve:
            body = env._(
                "%(partner)s did not approve the %(hours)s hours logged before the "
                "ticket became billable (%(amount)s): they are not billed.",
                partner=partner.name,
                hours=hours,
                amount=amount,
            )
        elif asked_logged and logged and pending:
            body = env._(
                "%(partner)s approved the billable work, including the %(hours)s "
                "hours logged before it became billable (%(amount)s).",
                partner=partner.name,
                hours=hours,
                amount=amount,
            )
        elif asked_logged and logged:
            body = env._(
                "%(partner)s approved billing the %(hours)s hours logged before "
                "the ticket became billable (%(amount)s).",
                partner=partner.name,
                hours=hours,
                amount=amount,
            )
        else:
            body = env._(
                "%(partner)s approved the billable work from now on.",
                partner=partner.name,
            )
        self.message_post(body=body, author_id=partner.id)
        self._support_answer_activity(body)

    def _support_answer_activity(self, note):
        """The customer answered: the ticket's assignee (else its team's
        leader) acts on it, and a Support Manager (the agreement's
        responsible when he is one) follows it up; one activity each."""
        self.ensure_one()
        users = (self.user_id or self.team_id.user_id) | (
            self._support_approval_answer_user() or self.env["res.users"]
        )
        for user in users:
            # The summary in the reader's language; the note is the answer
            # as the customer gave it.
            uenv = self.with_context(lang=user.lang or self.env.lang).env
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=uenv._("The customer answered on billable work"),
                note=note,
                user_id=user.id,
            )
