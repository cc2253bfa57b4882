"""The customer overview: the customer, its contacts and a section per app
(communication, to-dos; sales, opportunities, projects and tasks where those
apps are installed), each with its filters, "only mine" and "show all". One
call per page (``dialog_overview``); every section searches as the user, so
record rules, companies and readers hold; a section the user may not read is
absent. A few queries per section, whatever the customer's size."""

from odoo import api, models
from odoo.exceptions import AccessError, UserError

from .app_sections import app_sections
from .sections import ActivitySection, MessageSection


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------------
    # The sections: extended by other modules
    # ------------------------------------------------------------------

    @api.model
    def _dialog_overview_sections(self):
        """The sections of the overview, for every app installed (another
        module appends its own: a contracts app, a helpdesk)."""
        sections = [
            MessageSection(self.env),
            ActivitySection(self.env),
        ]
        sections += app_sections(self.env)
        return sorted(sections, key=lambda section: section.sequence)

    # ------------------------------------------------------------------
    # The page
    # ------------------------------------------------------------------

    def action_dialog_overview(self):
        """The customer's overview page (the company's, for a contact)."""
        self.ensure_one()
        customer = self._dialog_overview_customer()
        return {
            "type": "ir.actions.client",
            "tag": "customer_dialog.customer_overview",
            "name": self.env._("Overview: %(customer)s", customer=customer.name),
            "params": {"partner_id": customer.id},
        }

    def _dialog_overview_customer(self):
        """The customer of the page: a contact's company; a clear error for
        a customer that does not exist or that the user may not read."""
        partner = self.with_context(active_test=False).exists()
        if len(self) != 1 or not partner:
            raise UserError(self.env._("This customer does not exist (anymore)."))
        partner.check_access("read")
        return partner.commercial_partner_id

    @api.model
    @api.readonly
    def dialog_overview(self, partner_id, options=None):
        """The overview of the customer ``partner_id`` (an integer; a
        contact's company) as the page shows it. ``options`` per section key:
        ``{"mine": bool, "filter": one of the section's filter keys}``."""
        customer = self._dialog_browse_overview(partner_id)
        sections = self._dialog_readable_sections()
        options = _checked_options(self.env, options, sections)
        partners = customer._dialog_overview_partners()
        return {
            "customer": {
                "id": customer.id,
                "name": customer.name,
                "ref": customer.ref or "",
                "archived": not customer.active,
                "is_company": customer.is_company,
                "contacts": [
                    {
                        "id": contact.id,
                        "name": contact.name,
                        "function": contact.function or "",
                        "email": contact.email or "",
                        "phone": contact.phone or "",
                    }
                    for contact in (partners - customer).filtered("active")
                ],
            },
            "sections": [
                section.to_page(self.env, partners, **options[section.key])
                for section in sections
            ],
        }

    @api.model
    @api.readonly
    def dialog_overview_show_all(self, partner_id, key, options=None):
        """ "Show all" of a section: the app's own list view."""
        customer = self._dialog_browse_overview(partner_id)
        sections = {s.key: s for s in self._dialog_readable_sections()}
        if not isinstance(key, str) or key not in sections:
            raise UserError(self.env._("This section does not exist."))
        options = _checked_options(self.env, {key: options or {}}, sections.values())
        partners = customer._dialog_overview_partners()
        return sections[key].action(self.env, partners, **options[key])

    @api.model
    def _dialog_browse_overview(self, partner_id):
        if type(partner_id) is not int or not 0 < partner_id < 2**31:
            raise UserError(self.env._("A customer is given by its id."))
        return self.browse(partner_id)._dialog_overview_customer()

    def _dialog_overview_partners(self):
        """The customer and its contacts, archived ones too (their past is
        the customer's)."""
        return self.with_context(active_test=False).search(
            [("commercial_partner_id", "=", self.id)], order="id"
        )

    @api.model
    def _dialog_readable_sections(self):
        """The sections the user may read (employees only: the overview is
        the firm's view of its customer)."""
        if not self.env.user._is_internal():
            raise AccessError(self.env._("The customer overview is for employees."))
        sections = [s for s in self._dialog_overview_sections() if s.readable(self.env)]
        for section in sections:
            # (the to-dos of the other sections' documents)
            section.siblings = sections
        return sections


def _checked_options(env, options, sections):
    """The page's options, each checked: a section key, "mine" a boolean, a
    filter the section has; anything else is a clear error."""
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise UserError(env._("The overview's options are a dictionary."))
    known = {section.key: section for section in sections}
    unknown = set(options) - set(known)
    if unknown:
        raise UserError(
            env._("Unknown section: %(key)s", key=", ".join(map(str, unknown)))
        )
    checked = {}
    for key, section in known.items():
        option = options.get(key, {})
        if not isinstance(option, dict) or set(option) - {"mine", "filter"}:
            raise UserError(env._("A section's options are mine and filter."))
        mine = option.get("mine", False)
        filter_key = option.get("filter", "all")
        if type(mine) is not bool or filter_key not in section.filter_keys():
            raise UserError(
                env._("Unknown filter of %(section)s.", section=section.title)
            )
        checked[key] = {"mine": mine, "filter_key": filter_key}
    return checked
