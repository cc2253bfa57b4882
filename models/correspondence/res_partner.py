"""German correspondence rules: how a letter or an email of the company
addresses a customer ("Sehr geehrte Frau …", "Sehr geehrter Herr …",
"Sehr geehrte Damen und Herren" for a company), in the addressee's
language (the caller's context)."""

from odoo import models

# Titles (base's, else by their name or abbreviation in any language) that
# say how a person is addressed.
FEMALE = ("base.res_partner_title_madam", "base.res_partner_title_miss")
MALE = ("base.res_partner_title_mister",)
FEMALE_WORDS = {"frau", "mrs", "mrs.", "ms", "ms.", "madam", "miss"}
MALE_WORDS = {"herr", "mr", "mr.", "mister", "sir"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _dialog_salutation(self):
        """The opening line of a letter to this partner, with its comma."""
        self.ensure_one()
        if self.is_company or not self.name:
            return self.env._("Dear Sir or Madam,")
        surname = self.name.split()[-1]
        form = self._dialog_form_of_address()
        if form == "female":
            return self.env._("Dear Ms %(name)s,", name=surname)
        if form == "male":
            return self.env._("Dear Mr %(name)s,", name=surname)
        if self.title:
            title = self.title.shortcut or self.title.name
            return self.env._("Dear %(title)s %(name)s,", title=title, name=surname)
        return self.env._("Hello %(name)s,", name=self.name)

    def _dialog_form_of_address(self):
        title = self.title
        if not title:
            return None
        data = self.env["ir.model.data"]
        for form, xmlids in (("female", FEMALE), ("male", MALE)):
            if title.id in {
                data._xmlid_to_res_id(x, raise_if_not_found=False) for x in xmlids
            }:
                return form
        words = {
            word.lower()
            for name in title.with_context(lang="en_US").mapped("name")
            + title.mapped("name")
            + title.mapped("shortcut")
            for word in (name or "").split()
        }
        if words & FEMALE_WORDS:
            return "female"
        if words & MALE_WORDS:
            return "male"
        return None
