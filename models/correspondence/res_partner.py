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

    def _dialog_postal_address(self, sender_country=None):
        """The lines of this partner's address in a letter's window (DIN
        5008): the company, the person, street, ZIP code and city, the
        country only abroad. A contact without an address of its own is
        written to at its company's. Empty where no letter can be posted
        (no street, or no city)."""
        self.ensure_one()
        company = self.commercial_partner_id
        place = self if self.street and self.city else company
        if not (place.street and place.city):
            return []
        lines = []
        if company != self and company.name:
            lines.append(company.name)
        if self.name:
            form = self._dialog_form_of_address()
            prefix = {
                "female": self.env._("Ms"),
                "male": self.env._("Mr"),
            }.get(form, "")
            lines.append(" ".join(filter(None, [prefix, self.name])))
        lines += [place.street, place.street2]
        lines.append(" ".join(filter(None, [place.zip, place.city])))
        if place.country_id and place.country_id != sender_country:
            lines.append(place.country_id.name.upper())
        return [line for line in lines if line]
