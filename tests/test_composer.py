from odoo.exceptions import AccessError, UserError
from odoo.tests import Form

from .common import DialogCase, needs_sale


class TestComposer(DialogCase):
    """The wizard behind "Log Dialog Message" on customers, the overview and
    the chatter of any document."""

    def _form(self, **context):
        Composer = self.env["customer_dialog.composer"].with_user(self.user_employee)
        return Form(Composer.with_context(**context))

    def test_from_customer_form(self):
        action = self.contact.with_user(self.user_employee).action_dialog_compose()
        with self.mock_mail_gateway():
            form = self._form(**action["context"])
            self.assertEqual(form.partner_id, self.customer)
            self.assertEqual(form.contact_id, self.contact)
            self.assertEqual(form.user_id, self.user_employee)
            form.topic_id = self.topic_contract
            self.assertEqual(
                form.visibility, "customer", "the topic proposes the visibility"
            )
            self.assertTrue(
                form.show_send_content, "the contact has email and portal access"
            )
            self.assertFalse(form.send_content, "from the contact's flag")
            self.assertIn("Notice without content", form.delivery_preview)
            form.send_content = True
            self.assertIn("Full content", form.delivery_preview)
            form.subject = "Vertragsänderung"
            form.body = "<p>Wir haben Ihren Vertrag angepasst.</p>"
            composer = form.save()
            result = composer.action_post()
        message = self.env["mail.message"].search(
            [("subject", "=", "Vertragsänderung"), ("dialog_visibility", "!=", False)]
        )
        self.assertEqual(message.model, "res.partner")
        self.assertEqual(message.res_id, self.customer.id)
        self.assertEqual(message.dialog_delivery, "content")
        self.assertEqual(result["params"]["message"], message.dialog_delivery_info)
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(
            result["params"]["next"], {"type": "ir.actions.act_window_close"}
        )

    @needs_sale
    def test_from_chatter_of_order(self):
        with self.mock_mail_gateway():
            form = self._form(
                default_res_model="sale.order", default_res_id=self.order.id
            )
            self.assertEqual(form.partner_id, self.customer)
            self.assertEqual(form.reference_name, self.order.display_name)
            self.assertEqual(form.visibility, "internal")
            self.assertFalse(form.show_send_content)
            form.body = "<p>Telefonat zum Auftrag</p>"
            form.channel = "phone"
            form.direction = "incoming"
            form.save().action_post()
        message = self.order.message_ids.filtered("dialog_visibility")
        self.assertEqual(len(message), 1)
        self.assertEqual(message.dialog_channel, "phone")
        self.assertEqual(message.dialog_direction, "incoming")
        self.assertEqual(message.author_id, self.partner_employee)

    def test_from_overview_chooses_customer(self):
        with self.mock_mail_gateway():
            form = self._form()
            form.partner_id = self.customer_no_email
            form.visibility = "customer"
            self.assertTrue(form.delivery_downgraded)
            self.assertIn("no valid email address", form.delivery_preview)
            form.body = "<p>Brief erhalten</p>"
            result = form.save().action_post()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("saved as an internal message", result["params"]["message"])
        message = self.env["mail.message"].search(
            [("dialog_partner_id", "=", self.customer_no_email.id)]
        )
        self.assertEqual(message.dialog_visibility, "internal")

    def test_attachments_uploaded_in_composer(self):
        attachment = self.upload("brief.pdf", b"%PDF letter")
        with self.mock_mail_gateway():
            form = self._form(
                default_res_model="res.partner",
                default_res_id=self.customer_no_portal.id,
            )
            form.visibility = "customer"
            form.body = "<p>Anbei der Brief</p>"
            form.attachment_ids.add(attachment)
            form.save().action_post()
        message = self.env["mail.message"].search(
            [("dialog_partner_id", "=", self.customer_no_portal.id)]
        )
        self.assertEqual(message.attachment_ids, attachment)
        self.assertEqual(
            (attachment.res_model, attachment.res_id), ("mail.message", message.id)
        )
        self.assertEqual(self._mails[0]["attachments"][0][0], "brief.pdf")

    def test_template_fills_subject_and_body(self):
        template = self.env["mail.template"].create(
            {
                "name": "Terminbestätigung",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "subject": "Termin für {{ object.name }}",
                "body_html": "<p>Guten Tag <t t-out='object.name'/>, "
                "Ihr Termin steht.</p>",
            }
        )
        form = self._form(
            default_res_model="res.partner", default_res_id=self.customer.id
        )
        form.template_id = template
        self.assertEqual(form.subject, f"Termin für {self.customer.name}")
        self.assertIn(f"Guten Tag {self.customer.name}", form.body)

    @needs_sale
    def test_answer_joins_the_conversation(self):
        with self.mock_mail_gateway():
            question = self.post(
                self.order,
                "Wann kommt die Lieferung?",
                visibility="customer",
                contact_id=self.contact.id,
                subject="Lieferung",
            )
            reply = question.sudo()._dialog_portal_reply(
                self.contact, "<p>Bitte vormittags.</p>", []
            )
            action = reply.with_user(self.user_employee).action_dialog_answer()
            form = self._form(**action["context"])
            self.assertEqual(form.partner_id, self.customer)
            self.assertEqual(form.contact_id, self.contact)
            self.assertEqual(form.visibility, "customer")
            self.assertEqual(form.reply_to_id, question)
            form.body = "<p>Gerne, wir liefern um 9 Uhr.</p>"
            form.save().action_post()
        answer = self.env["mail.message"].search(
            [
                ("dialog_reply_to_id", "=", question.id),
                ("author_id", "=", self.partner_employee.id),
            ]
        )
        self.assertEqual((answer.model, answer.res_id), ("sale.order", self.order.id))
        self.assertEqual(question._dialog_portal_replies(), reply | answer)

    def test_blocked_customer_banner(self):
        self.customer.sudo().write(
            {"dialog_blocked": True, "dialog_block_reason": "Hausverbot"}
        )
        form = self._form(
            default_res_model="res.partner", default_res_id=self.customer.id
        )
        self.assertTrue(form.partner_blocked)
        self.assertEqual(form.partner_block_reason, "Hausverbot")

    def test_empty_body_refused(self):
        form = self._form(
            default_res_model="res.partner", default_res_id=self.customer.id
        )
        composer = form.save()
        with self.assertRaisesRegex(UserError, "empty"):
            composer.action_post()


class TestBlocking(DialogCase):
    def _wizard(self, partner, mode, user, reason=None):
        action = getattr(partner.with_user(user), f"action_dialog_{mode}")()
        wizard = (
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
            .create({"reason": reason})
        )
        return wizard.action_confirm()

    def test_block_and_unblock_logged(self):
        self._wizard(
            self.contact, "block", self.user_manager, "Verstoß gegen die Hausordnung"
        )
        self.assertTrue(self.customer.dialog_blocked)
        self.assertEqual(
            self.customer.dialog_block_reason, "Verstoß gegen die Hausordnung"
        )
        self.assertTrue(self.customer.dialog_blocked_date)
        log = self.customer.message_ids.filtered("dialog_visibility")
        self.assertEqual(log.dialog_visibility, "internal")
        self.assertEqual(
            log.dialog_topic_id, self.env.ref("customer_dialog.topic_blocking")
        )
        self.assertEqual(log.author_id, self.user_manager.partner_id)
        self.assertIn("Hausordnung", log.body)

        self._wizard(self.customer, "unblock", self.user_manager, "Gespräch geführt")
        self.assertFalse(self.customer.dialog_blocked)
        self.assertFalse(self.customer.dialog_block_reason)
        self.assertEqual(
            len(self.customer.message_ids.filtered("dialog_visibility")), 2
        )

    def test_only_managers_block(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user_employee).action_dialog_block()
        with self.assertRaises(AccessError):
            self.env["customer_dialog.block.wizard"].with_user(
                self.user_employee
            ).create({"partner_id": self.customer.id, "mode": "block", "reason": "x"})
        self.assertFalse(self.customer.dialog_blocked)

    def test_block_needs_reason(self):
        with self.assertRaisesRegex(UserError, "reason"):
            self._wizard(self.customer, "block", self.user_manager, "  ")
        self.assertFalse(self.customer.dialog_blocked)

    def test_banner_in_partner_form(self):
        arch = self.customer.with_user(self.user_employee).get_view(view_type="form")[
            "arch"
        ]
        self.assertIn("o_customer_dialog_blocked", arch)


class TestPreviewTense(DialogCase):
    def test_the_preview_says_what_will_happen_the_message_what_did(self):
        decision = self.env["mail.thread"]._dialog_decide_delivery(
            "customer", self.customer_no_portal
        )
        self.assertIn("will be emailed", decision["info"])
        with self.mock_mail_gateway():
            message = self.post(self.customer_no_portal, "Hallo", visibility="customer")
        self.assertIn("emailed to", message.dialog_delivery_info)
        self.assertNotIn("will be", message.dialog_delivery_info)


class TestNoticeWithoutLogin(DialogCase):
    """A notice links to the portal: the composer tells when its recipient
    cannot log in, and invites them with Odoo's portal wizard."""

    def setUp(self):
        super().setUp()
        # a colleague of the portal user, without a login of their own
        self.colleague = self.env["res.partner"].create(
            {
                "name": "Nora Nologin",
                "parent_id": self.customer.id,
                "email": "nora@kundenfirma.example.com",
            }
        )

    def form(self, user, contact):
        Composer = self.env["customer_dialog.composer"].with_user(user)
        form = Form(
            Composer.with_context(
                default_partner_id=self.customer.id, default_contact_id=contact.id
            )
        )
        form.visibility = "customer"
        form.send_content = False
        form.body = "<p>Ihre Unterlagen liegen im Portal.</p>"
        return form

    def test_the_composer_warns_before_saving(self):
        form = self.form(self.user_employee, self.colleague)
        self.assertIn("Notice without content", form.delivery_preview)
        self.assertTrue(form.recipient_cannot_log_in)
        form.send_content = True
        self.assertFalse(form.recipient_cannot_log_in, "the content needs no login")
        # the portal user can log in
        self.assertFalse(
            self.form(self.user_employee, self.contact).recipient_cannot_log_in
        )

    def test_invitation_with_odoos_portal_wizard_then_back(self):
        composer = self.form(self.user_manager, self.colleague).save()
        with self.mock_mail_gateway():
            action = composer.action_invite_recipient()
        self.assertEqual(action["res_model"], "customer_dialog.composer")
        self.assertEqual(action["res_id"], composer.id)
        self.assertTrue(self.colleague.user_ids.filtered("share"))
        self.assertTrue(self.sent_emails_to("nora@kundenfirma.example.com"))
        composer.invalidate_recordset()
        self.assertFalse(composer.recipient_cannot_log_in)

    def test_only_who_may_grant_portal_access_invites(self):
        composer = self.form(self.user_employee, self.colleague).save()
        with self.assertRaises(AccessError):
            composer.action_invite_recipient()
        self.assertFalse(self.colleague.user_ids)

    def test_the_message_says_so_whatever_the_way_in(self):
        """dialog_post over RPC: the stored decision tells the clerk too."""
        with self.mock_mail_gateway():
            message = self.post(
                self.customer,
                "<p>Ihre Unterlagen.</p>",
                visibility="customer",
                send_content=False,
                contact_id=self.colleague.id,
            )
        self.assertEqual(message.dialog_delivery_code, "notice")
        info = message.with_user(self.user_employee).dialog_delivery_info
        self.assertIn("Nora Nologin has no portal login yet", info)
        self.env["res.users"].with_context(no_reset_password=True).create(
            {
                "login": "nora",
                "partner_id": self.colleague.id,
                "groups_id": [(6, 0, self.env.ref("base.group_portal").ids)],
            }
        )
        message.invalidate_recordset()
        self.assertNotIn(
            "no portal login",
            message.with_user(self.user_employee).dialog_delivery_info,
        )

    def test_the_release_dialog_warns_and_invites_too(self):
        message = self.post(
            self.customer,
            "<p>Ihre Unterlagen.</p>",
            contact_id=self.colleague.id,
            user=self.user_manager,
        )
        Wizard = self.env["customer_dialog.release.wizard"].with_user(self.user_manager)
        form = Form(Wizard.with_context(default_message_id=message.id))
        form.send_content = False
        self.assertTrue(form.recipient_cannot_log_in)
        self.assertEqual(form.recipient_name, "Nora Nologin")
        wizard = form.save()
        with self.mock_mail_gateway():
            action = wizard.action_invite_recipient()
        self.assertEqual(action["res_id"], wizard.id)
        self.assertTrue(self.colleague.user_ids)
        wizard.invalidate_recordset()
        self.assertFalse(wizard.recipient_cannot_log_in)
