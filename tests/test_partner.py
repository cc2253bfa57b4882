from odoo.tests import Form

from .common import DialogCase


class TestPartner(DialogCase):
    def _portal_wizard_user(self, partner):
        wizard = (
            self.env["portal.wizard"]
            .with_context(active_ids=partner.ids, active_model="res.partner")
            .create({})
        )
        return wizard.user_ids.filtered(lambda u: u.partner_id == partner)

    def test_mail_content_flag(self):
        self.assertFalse(
            self.contact.dialog_mail_content, "privacy by default: notice only"
        )
        with Form(self.customer.with_user(self.user_manager)) as form:
            form.dialog_mail_content = True
        self.assertTrue(self.customer.dialog_mail_content)
        self.assertTrue(self.contact.dialog_mail_content, "synced to contacts")

    def test_portal_access_follows_portal_wizard(self):
        partner = self.customer_no_portal
        Partner = self.env["res.partner"]
        self.assertFalse(partner.dialog_portal_access)
        self.assertNotIn(partner, Partner.search([("dialog_portal_access", "=", True)]))

        self._portal_wizard_user(partner).action_grant_access()
        partner.invalidate_recordset(["dialog_portal_access"])
        self.assertTrue(partner.dialog_portal_access)
        self.assertIn(partner, Partner.search([("dialog_portal_access", "=", True)]))

        self._portal_wizard_user(partner).action_revoke_access()
        partner.invalidate_recordset(["dialog_portal_access"])
        self.assertFalse(partner.dialog_portal_access)
        self.assertIn(partner, Partner.search([("dialog_portal_access", "=", False)]))

    def test_portal_access_is_the_customers(self):
        """The company has no user of its own; its contact's portal user
        gives the customer portal access (SPEC §2)."""
        self.assertTrue(self.contact.dialog_portal_access)
        self.assertTrue(self.customer.dialog_portal_access)

    def test_internal_user_is_not_portal_access(self):
        self.assertFalse(self.user_employee.partner_id.dialog_portal_access)

    def test_demo_portal_users(self):
        petra = self.env.ref(
            "customer_dialog.partner_demo_petra_schneider", raise_if_not_found=False
        )
        if not petra:
            self.skipTest("installed without demo data")
        self.assertTrue(petra.dialog_portal_access)
        self.assertFalse(
            self.env.ref(
                "customer_dialog.partner_demo_klaus_becker"
            ).dialog_portal_access
        )

    def test_demo_dialog_messages(self):
        schneider = self.env.ref(
            "customer_dialog.partner_demo_schneider", raise_if_not_found=False
        )
        if not schneider:
            self.skipTest("installed without demo data")
        messages = schneider.dialog_message_ids
        self.assertEqual(len(messages), 2)
        letter = messages.filtered(lambda m: m.dialog_visibility == "customer")
        self.assertEqual(letter.dialog_delivery, "notice", "Petra only wants notices")
        self.assertEqual(letter.author_id, self.env.ref("base.partner_admin"))
        becker = self.env.ref("customer_dialog.partner_demo_klaus_becker")
        self.assertEqual(
            becker.dialog_message_ids.dialog_visibility, "internal", "no email address"
        )
