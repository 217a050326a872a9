from odoo import fields, models
from odoo.exceptions import AccessError

MANAGER_GROUP = "support_contract.group_support_manager"


def credential_input(string, field_type=fields.Char):
    """A write-only input of a stored credential: Support Managers only,
    always empty when read, never exported."""
    return field_type(
        string=string,
        compute="_compute_credential_inputs",
        inverse="_inverse_credential_inputs",
        groups=MANAGER_GROUP,
        exportable=False,
    )


class SupportCredentialMixin(models.AbstractModel):
    """A source with write-only credentials bound to its URL's host.

    The credentials live in ``_credential_model`` (a record per source,
    pointing at it with ``_credential_link``), which no group may read or
    write: only the server's own code does, with ``sudo()``. Support
    Managers set them through the write-only inputs (``_credential_inputs``:
    input field -> credential field, declared with :func:`credential_input`)
    and remove them; changing the URL's endpoint (``_credential_endpoint``)
    removes them, so they are never sent to another host.

    A source gives its own words: ``_credential_manager_only_message``,
    ``_credential_changed_message``, ``_credential_removed_message``,
    ``_credential_moved_message(old, new)``; and ``_forget_other_host_secrets``
    for what else is bound to the host (a pinned SSH key).
    """

    _name = "support.credential.mixin"
    _description = "Source with write-only, host-bound credentials"
    _credential_model = None
    _credential_link = None
    _credential_inputs = {}

    can_manage_credentials = fields.Boolean(compute="_compute_can_manage_credentials")

    def _compute_credential_inputs(self):
        for record in self:
            for name in self._credential_inputs:
                record[name] = False

    def _inverse_credential_inputs(self):
        for record in self:
            for name, target in self._credential_inputs.items():
                if record[name]:
                    record._set_credentials(**{target: record[name].strip()})

    def _compute_can_manage_credentials(self):
        allowed = self.env.user.has_group(MANAGER_GROUP)
        for record in self:
            record.can_manage_credentials = allowed

    def _check_manager(self):
        if self.env.su or self.env.user.has_group(MANAGER_GROUP):
            return
        raise AccessError(self._credential_manager_only_message())

    def _credential(self):
        """The source's stored credentials (sudo: only the server's calls and
        the Support Managers' own actions use it)."""
        self.ensure_one()
        Credential = self.env[self._credential_model].sudo()
        if not isinstance(self._origin.id, int):
            return Credential
        return Credential.search(
            [(self._credential_link, "=", self._origin.id)], limit=1
        )

    def _set_credentials(self, **values):
        self.ensure_one()
        self._check_manager()
        credential = self._credential()
        if credential:
            credential.write(values)
        else:
            credential.create({self._credential_link: self.id, **values})
        self.message_post(body=self._credential_changed_message())

    def action_clear_credentials(self):
        self._check_manager()
        for record in self:
            record._credential().unlink()
            record.message_post(body=record._credential_removed_message())

    def write(self, vals):
        moved = self.browse()
        if "url" in vals:
            new = self._credential_endpoint(vals["url"])
            moved = self.filtered(lambda r: r._credential_endpoint(r.url) != new)
        for record in moved:
            record._forget_host_secrets(vals["url"])
        return super().write(vals)

    def _forget_host_secrets(self, new_url):
        """The URL moves to another endpoint: what belongs to the old host
        goes (it would be sent to the new one), with a note in the chatter."""
        self.ensure_one()
        credential = self._credential()
        others = self._forget_other_host_secrets()
        if not credential and not others:
            return
        credential.unlink()
        self.message_post(
            body=self._credential_moved_message(
                self._credential_endpoint(self.url),
                self._credential_endpoint(new_url),
            )
        )

    def _credential_endpoint(self, url):
        """(scheme, host, port) the credentials of ``url`` belong to."""
        raise NotImplementedError

    def _forget_other_host_secrets(self):
        """Remove what else is bound to the old host; True when something
        was (it is then announced with the credentials)."""
        return False
