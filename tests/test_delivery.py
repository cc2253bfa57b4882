import base64
from unittest.mock import patch

from lxml import etree

from odoo.exceptions import AccessError, UserError

from .common import DialogCase, needs_sale

SECRET = "Vertraulich: Kündigung zum 31.12. wegen Umzug"


class TestDeliveryRules(DialogCase):
    """SPEC §2, row by row, on a customer and on a sales order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.order is None:  # no sale: the tests on orders skip
            return
        cls.order_no_portal = cls.env["sale.order"].create(
            {"partner_id": cls.customer_no_portal.id}
        )
        cls.order_no_email = cls.env["sale.order"].create(
            {"partner_id": cls.customer_no_email.id}
        )

    def assertNoEmailCarries(self, text):
        for mail in self._mails:
            self.assertNotIn(text, mail["body"])
            self.assertNotIn(text, mail["subject"] or "")

    # ------------------------------------------------------------------
    # internal
    # ------------------------------------------------------------------

    def smtp_refuses(self):
        return patch("smtplib.SMTP", side_effect=ConnectionRefusedError("refused"))

    def post_while_smtp_refuses(self, record, body=SECRET, **kwargs):
        """A customer message whose email the mail server refuses."""
        with self.mock_mail_gateway(), self.smtp_refuses():
            return self.post(record, body, visibility="customer", **kwargs)

    def resend_wizard(self, message, user=None):
        """Odoo's resend dialog, opened by *Resend* on ``message``."""
        user = user or self.env.user
        action = message.with_user(user).action_dialog_resend()
        self.assertEqual(action["res_model"], "mail.resend.message")
        return (
            self.env["mail.resend.message"]
            .with_user(user)
            .with_context(**action["context"])
            .create({})
        )

    @needs_sale
    def test_internal_on_customer_and_order(self):
        for record in (self.customer, self.order):
            with self.subTest(record=record._name), self.mock_mail_gateway():
                message = self.post(
                    record, SECRET, visibility="internal", channel="phone"
                )
                self.assertEqual(message.model, record._name)
                self.assertEqual(message.res_id, record.id)
                self.assertEqual(message.dialog_partner_id, self.customer)
                self.assertEqual(message.dialog_visibility, "internal")
                self.assertFalse(message.dialog_published)
                self.assertEqual(message.dialog_delivery, "none")
                self.assertEqual(message.dialog_delivery_state, "none")
                self.assertTrue(message.is_internal)
                self.assertEqual(message.subtype_id, self.env.ref("mail.mt_note"))
                self.assertEqual(message.author_id, self.partner_employee)
                self.assertFalse(self._new_mails)
                self.assertFalse(self._mails)

    @needs_sale
    def test_internal_not_mailed_to_order_followers(self):
        """Followers of the order, the customer included, never get an
        internal message, even when they follow every subtype."""
        self.order.message_subscribe(partner_ids=self.contact.ids)
        with self.mock_mail_gateway():
            self.post(self.order, SECRET, visibility="internal")
        self.assertNoEmailCarries("Vertraulich")
        self.assertFalse(self.sent_emails_to(self.contact.email))

    # ------------------------------------------------------------------
    # customer, no email
    # ------------------------------------------------------------------

    @needs_sale
    def test_customer_without_email_stored_internal(self):
        for record in (self.customer_no_email, self.order_no_email):
            with self.subTest(record=record._name), self.mock_mail_gateway():
                message = self.post(record, SECRET, visibility="customer")
                self.assertEqual(message.dialog_visibility, "internal")
                self.assertFalse(message.dialog_published)
                self.assertTrue(message.is_internal)
                self.assertEqual(message.dialog_delivery, "none")
                self.assertIn("no valid email address", message.dialog_delivery_info)
                self.assertIn(self.customer_no_email.name, message.dialog_delivery_info)
                self.assertFalse(self._mails)

    # ------------------------------------------------------------------
    # customer, email, no portal access
    # ------------------------------------------------------------------

    @needs_sale
    def test_customer_without_portal_gets_content(self):
        for record in (self.customer_no_portal, self.order_no_portal):
            with self.subTest(record=record._name), self.mock_mail_gateway():
                attachment = self.upload("vertrag.pdf", b"%PDF-1.4 contract")
                message = self.post(
                    record,
                    SECRET,
                    visibility="customer",
                    subject="Ihr Vertrag",
                    attachment_ids=attachment.ids,
                    send_content=False,  # ignored: no portal to read a notice in
                )
                self.assertEqual(message.dialog_visibility, "customer")
                self.assertTrue(message.dialog_published)
                self.assertFalse(message.is_internal)
                self.assertEqual(
                    message.subtype_id,
                    self.env.ref("customer_dialog.mt_dialog_customer"),
                )
                self.assertEqual(message.dialog_delivery, "content")
                self.assertEqual(message.dialog_delivery_state, "sent")
                self.assertEqual(
                    (attachment.res_model, attachment.res_id),
                    ("mail.message", message.id),
                    "the upload belongs to the message, not to the document",
                )
                emails = self.sent_emails_to(self.customer_no_portal.email)
                self.assertEqual(len(emails), 1)
                self.assertEqual(len(self._mails), 1, "nobody else gets it")
                self.assertIn("Vertraulich", emails[0]["body"])
                self.assertEqual(emails[0]["subject"], "Ihr Vertrag")
                self.assertEqual(
                    [a[0] for a in emails[0]["attachments"]], ["vertrag.pdf"]
                )

    # ------------------------------------------------------------------
    # customer, email and portal access: content or notice
    # ------------------------------------------------------------------

    @needs_sale
    def test_portal_customer_notice_by_default(self):
        self.assertFalse(self.contact.dialog_mail_content)
        for record in (self.customer, self.order):
            with self.subTest(record=record._name), self.mock_mail_gateway():
                message = self.post(
                    record,
                    SECRET,
                    visibility="customer",
                    subject="Kündigung Ihres Vertrags",
                    contact_id=self.contact.id,
                    attachment_ids=self.upload("vertrag.pdf", b"%PDF-1.4 contract").ids,
                )
                self.assertEqual(message.dialog_delivery, "notice")
                self.assertEqual(message.dialog_delivery_state, "sent")
                self.assertTrue(message.dialog_published)
                emails = self.sent_emails_to(self.contact.email)
                self.assertEqual(len(emails), 1)
                self.assertEqual(len(self._mails), 1)
                notice = emails[0]
                self.assertNotIn("Vertraulich", notice["body"])
                self.assertNotIn("Kündigung", notice["subject"])
                self.assertNotIn("Kündigung", notice["body"])
                self.assertFalse(notice["attachments"])
                self.assertIn(f"/my/messages/{message.id}", notice["body"])
                # no token that opens the document without a login, and not
                # even which document it is about
                self.assertNotIn("access_token", notice["body"])
                self.assertNotIn("/mail/view", notice["body"])
                self.assertNotIn(record.display_name, notice["body"])
                self.assertNotIn(record.display_name, notice["reply_to"])

    @needs_sale
    def test_resent_notice_names_no_document(self):
        message = self.post_while_smtp_refuses(self.order, contact_id=self.contact.id)
        self.assertEqual(message.dialog_delivery, "notice")
        self.assertEqual(message.dialog_delivery_state, "failed")
        with self.mock_mail_gateway():
            action = self.resend_wizard(message).resend_mail_action()
        # told at once, and the message shows its new state
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload")
        (resent,) = self.sent_emails_to(self.contact.email)
        for text in (self.order.display_name, "Sales Order", "Angebot"):
            self.assertNotIn(text, resent["body"])
            self.assertNotIn(text, resent["reply_to"])
        self.assertIn(f"/my/messages/{message.id}", resent["body"])

    @needs_sale
    def test_portal_customer_content_by_flag(self):
        self.customer.dialog_mail_content = True
        with self.mock_mail_gateway():
            message = self.post(
                self.order, SECRET, visibility="customer", contact_id=self.contact.id
            )
        self.assertEqual(message.dialog_delivery, "content")
        self.assertIn("Vertraulich", self.sent_emails_to(self.contact.email)[0]["body"])

    def test_per_message_choice_overrides_flag(self):
        self.customer.dialog_mail_content = True
        with self.mock_mail_gateway():
            notice = self.post(
                self.customer,
                SECRET,
                visibility="customer",
                contact_id=self.contact.id,
                send_content=False,
            )
        self.assertEqual(notice.dialog_delivery, "notice")
        self.assertNoEmailCarries("Vertraulich")

        self.customer.dialog_mail_content = False
        with self.mock_mail_gateway():
            content = self.post(
                self.customer,
                SECRET,
                visibility="customer",
                contact_id=self.contact.id,
                send_content=True,
            )
        self.assertEqual(content.dialog_delivery, "content")
        self.assertIn("Vertraulich", self.sent_emails_to(self.contact.email)[0]["body"])

    def test_recipient_is_customer_without_contact(self):
        """The company address gets it; the company has portal access through
        its contact, so by default it is a notice."""
        with self.mock_mail_gateway():
            message = self.post(self.customer, SECRET, visibility="customer")
        self.assertEqual(message.dialog_delivery, "notice")
        self.assertNoEmailCarries("Vertraulich")
        self.assertEqual(len(self.sent_emails_to(self.customer.email)), 1)
        self.assertFalse(self.sent_emails_to(self.contact.email))

    @needs_sale
    def test_order_followers_not_notified_of_customer_message(self):
        """Only the delivery rules email the customer: the order's other
        followers do not receive the content."""
        self.order.message_subscribe(partner_ids=self.other_contact.ids)
        with self.mock_mail_gateway():
            self.post(
                self.order, SECRET, visibility="customer", contact_id=self.contact.id
            )
        self.assertFalse(self.sent_emails_to(self.other_contact.email))
        self.assertNoEmailCarries("Vertraulich")

    def test_incoming_is_acknowledged(self):
        with self.mock_mail_gateway():
            self.post(
                self.customer_no_portal,
                "Kunde meldet neue Bankverbindung",
                visibility="customer",
                channel="phone",
                direction="incoming",
            )
        email = self.sent_emails_to(self.customer_no_portal.email)[0]
        self.assertIn("we have recorded", email["body"])
        self.assertIn("neue Bankverbindung", email["body"])
        with self.mock_mail_gateway():
            self.post(
                self.customer,
                "Kunde meldet neue Bankverbindung",
                visibility="customer",
                direction="incoming",
                contact_id=self.contact.id,
            )
        notice = self.sent_emails_to(self.contact.email)[0]
        self.assertIn("We have recorded your information", notice["subject"])
        self.assertNotIn("Bankverbindung", notice["body"])

    def test_an_edited_template_is_used_at_once(self):
        """The delivery templates' compiled code is kept under their text: an
        edit applies to the next email, also in this worker."""
        template = self.env.ref("customer_dialog.mail_template_dialog_content")
        for text in ("Erste Fassung", "Zweite Fassung"):
            template.body_html = f'<p>{text}: <t t-out="object.body"/></p>'
            with self.mock_mail_gateway():
                self.post(self.customer_no_portal, SECRET, visibility="customer")
            email = self.sent_emails_to(self.customer_no_portal.email)[0]
            self.assertIn(text, email["body"])
            self.assertIn(SECRET, email["body"])

    def test_delivery_templates_compile_once_and_only_for_the_system(self):
        """The system compiles a delivery template once per text; a user who
        sends the same context over RPC neither uses nor fills that cache."""
        IrQweb = type(self.env["ir.qweb"])
        compiled = []
        generate_code = IrQweb._generate_code

        def counting(qweb, template):
            if isinstance(template, etree._Element):  # a mail template's text
                compiled.append(qweb.env.su)
            return generate_code(qweb, template)

        template = self.env.ref("customer_dialog.mail_template_dialog_content")
        template.body_html = '<p>Neu: <t t-out="object.body"/></p>'
        with patch.object(IrQweb, "_generate_code", counting):
            with self.mock_mail_gateway():
                for _ in range(3):
                    self.post(self.customer_no_portal, SECRET, visibility="customer")
            self.assertEqual(compiled.count(True), 2, "the check and the rendering")
            message = self.post(self.customer_no_portal, "intern")
            as_user = template.with_user(self.user_employee).with_context(
                customer_dialog_cached_rendering=True
            )
            for _ in range(2):
                as_user._render_field("body_html", message.ids)
        self.assertEqual(compiled.count(False), 4)

    def test_delivery_email_references_its_conversation(self):
        """Mail clients thread a delivery with the email it answers; nothing
        else of the document (Odoo's default: three of its latest messages)
        is named in its References."""
        with self.mock_mail_gateway():
            self.customer_no_portal.message_post(
                body="<p>Eine andere Nachricht</p>",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            question = self.post(
                self.customer_no_portal, "Frage", visibility="customer"
            )
            answer = self.post(
                self.customer_no_portal,
                "Antwort",
                visibility="customer",
                reply_to_id=question.id,
            )
        first = question.dialog_delivery_message_id.message_id
        second = answer.dialog_delivery_message_id.message_id
        sent = {mail["body"]: mail for mail in self._mails}
        references = {
            word: mail["references"]
            for word in ("Frage", "Antwort")
            for body, mail in sent.items()
            if word in body
        }
        self.assertEqual(references["Frage"], first)
        self.assertEqual(references["Antwort"], f"{first} {second}")

    def test_a_subject_is_one_line(self):
        """A line break cannot go into an email's header: the subject is
        stored as one line, and a template that renders one still sends."""
        with self.mock_mail_gateway():
            message = self.post(
                self.customer_no_portal, SECRET, visibility="customer", subject="A\nB"
            )
        self.assertEqual(message.subject, "A B")
        self.assertEqual(message.dialog_delivery_state, "sent")
        template = self.env.ref("customer_dialog.mail_template_dialog_content")
        template.subject = "Erste Zeile\nzweite Zeile"
        with self.mock_mail_gateway():
            message = self.post(self.customer_no_portal, SECRET, visibility="customer")
        self.assertEqual(message.dialog_delivery_state, "sent")
        email = self.sent_emails_to(self.customer_no_portal.email)[0]
        self.assertEqual(email["subject"], "Erste Zeile zweite Zeile")

    def test_a_callers_context_changes_no_delivery_email(self):
        """What an RPC caller can put into the context (numbers, text, dicts)
        neither marks its own email as a delivery (References naming another
        customer's delivery, a failure to-do on another document) nor
        reaches the delivery templates' compiled code."""
        with self.mock_mail_gateway():
            foreign = self.post(self.customer, "Frage", visibility="customer")
            answer = self.post(
                self.customer, "Antwort", visibility="customer", reply_to_id=foreign.id
            )
        secret_id = foreign.dialog_delivery_message_id.message_id
        record = self.customer_no_portal.with_user(self.user_admin)
        for forged in (answer.id, str(answer.id), "abc", {"message_id": answer.id}):
            for key in ("customer_dialog_delivery", "customer_dialog_delivery_of"):
                with self.subTest(key=key, forged=forged), self.mock_mail_gateway():
                    record.with_context(**{key: forged}).message_post(
                        body="Hallo",
                        message_type="comment",
                        subtype_xmlid="mail.mt_comment",
                        partner_ids=record.ids,
                    )
                    email = self.sent_emails_to(self.customer_no_portal.email)[0]
                    self.assertNotIn(secret_id, email["references"])
        with self.mock_mail_gateway(), self.smtp_refuses():
            record.with_context(customer_dialog_delivery=answer.id).message_post(
                body="Hallo",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=record.ids,
            )
        self.assertFalse(answer._dialog_failure_activities())
        # a context that would compile the template's comments into the email
        template = self.env.ref("customer_dialog.mail_template_dialog_content")
        template.body_html = (
            '<p><!-- intern: Rabatt höchstens 5 % --><t t-out="object.body"/></p>'
        )
        for context in (
            {"preserve_comments": True},
            {"tz": "Nirgendwo/" + "x" * 5000},
            {"tz": ["Europe/Berlin"]},
            {},
        ):
            with self.subTest(context=context), self.mock_mail_gateway():
                self.post(
                    self.customer_no_portal.with_context(**context),
                    SECRET,
                    visibility="customer",
                )
                email = self.sent_emails_to(self.customer_no_portal.email)[0]
                self.assertIn(SECRET, email["body"])
                self.assertNotIn("Rabatt", email["body"])

    def test_email_in_recipient_language(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["customer_dialog"], ["de_DE"])
        self.contact.lang = "de_DE"
        with self.mock_mail_gateway():
            self.post(
                self.customer, SECRET, visibility="customer", contact_id=self.contact.id
            )
        notice = self.sent_emails_to(self.contact.email)[0]
        self.assertIn("Kundenportal", notice["subject"])
        self.assertIn("Nachricht lesen", notice["body"])

    # ------------------------------------------------------------------
    # Delivery state follows the real mail
    # ------------------------------------------------------------------

    def test_smtp_failure_keeps_message_and_resend_works(self):
        message = self.post_while_smtp_refuses(
            self.customer_no_portal, subject="Wichtig"
        )
        self.assertTrue(message.exists())
        self.assertEqual(message.dialog_delivery, "content")
        self.assertEqual(message.dialog_delivery_state, "failed")
        self.assertIn("Vertraulich", message.body)
        failed_mail = self._new_mails
        self.assertEqual(failed_mail.state, "exception")

        with self.mock_mail_gateway():
            self.resend_wizard(message, self.user_employee).resend_mail_action()
        message.invalidate_recordset(["dialog_delivery_state"])
        self.assertEqual(message.dialog_delivery_state, "sent")
        resent = self.sent_emails_to(self.customer_no_portal.email)
        self.assertEqual(len(resent), 1)
        self.assertIn("Vertraulich", resent[0]["body"])
        # a resent delivery is threaded as the first one, nothing else named
        self.assertEqual(
            resent[0]["references"], message.dialog_delivery_message_id.message_id
        )

    def test_address_changed_before_the_queue_sends_is_recorded(self):
        with self.mock_mail_gateway():
            message = self.post(
                self.customer_no_portal.with_context(mail_notify_force_send=False),
                SECRET,
                visibility="customer",
            )
            self.assertEqual(message.dialog_delivery_state, "pending")
            self.customer_no_portal.email = "neu@ohneportal.example.com"
            self.env["mail.mail"].process_email_queue()
        self.assertEqual(len(self.sent_emails_to("neu@ohneportal.example.com")), 1)
        self.assertEqual(message.dialog_delivery_address, "neu@ohneportal.example.com")

    def test_address_corrected_in_the_resend_wizard_is_recorded(self):
        message = self.post_while_smtp_refuses(self.customer_no_portal)
        wizard = self.resend_wizard(message)
        wizard.partner_ids.email = "neu@ohneportal.example.com"
        with self.mock_mail_gateway():
            wizard.resend_mail_action()
        self.assertEqual(len(self.sent_emails_to("neu@ohneportal.example.com")), 1)
        self.assertEqual(message.dialog_delivery_address, "neu@ohneportal.example.com")
        self.assertIn("neu@ohneportal.example.com", message.dialog_delivery_info)

    def test_a_failure_is_work_for_the_responsible(self):
        with self.mock_mail_gateway():
            self.post(self.customer_no_portal, SECRET, visibility="customer")
        self.assertFalse(self.customer_no_portal.activity_ids, "sent: no work")
        message = self.post_while_smtp_refuses(
            self.customer_no_portal, user_id=self.user_manager.id
        )
        failure_type = self.env.ref(
            "customer_dialog.mail_activity_type_delivery_failed"
        )

        def failure_activities():
            return self.customer_no_portal.activity_ids.filtered(
                lambda a: a.activity_type_id == failure_type
            )

        activity = failure_activities()
        self.assertEqual(activity.user_id, self.user_manager)
        self.assertIn(message._dialog_backend_url(), activity.note)
        self.assertNotIn("Vertraulich", activity.note + activity.summary)
        # failing again leaves the one to-do
        with self.mock_mail_gateway(), self.smtp_refuses():
            self.resend_wizard(message).resend_mail_action()
        self.assertEqual(message.dialog_delivery_state, "failed")
        self.assertEqual(failure_activities(), activity)
        # sent again: the to-do is done
        with self.mock_mail_gateway():
            self.resend_wizard(message).resend_mail_action()
        self.assertEqual(message.dialog_delivery_state, "sent")
        self.assertFalse(activity.exists() and activity.active)
        self.assertFalse(failure_activities())
        # a failed message deleted takes its to-do with it
        other = self.post_while_smtp_refuses(self.customer_no_portal)
        self.assertTrue(failure_activities())
        other.with_user(self.user_manager).unlink()
        self.assertFalse(failure_activities())

    def test_files_the_mail_server_refuses_are_refused_at_once(self):
        self.env["ir.config_parameter"].set_param("base.default_max_email_size", "1")
        scan = self.upload("scan.pdf", b"%PDF" + b"0" * 800_000)
        before = self.env["mail.message"].search_count([])
        with self.assertRaisesRegex(UserError, "too large to be emailed"):
            self.post(
                self.customer_no_portal,
                SECRET,
                visibility="customer",
                attachment_ids=scan.ids,
            )
        self.assertEqual(self.env["mail.message"].search_count([]), before)
        # also an image inserted into the text with the composer's editor
        inserted = self.upload("foto.png", b"0" * 800_000)
        inserted.res_model = "customer_dialog.composer"
        with self.assertRaisesRegex(UserError, "too large to be emailed"):
            self.post(
                self.customer_no_portal,
                f'<p>Foto</p><img src="/web/image/{inserted.id}">',
                visibility="customer",
            )
        # and an image pasted into it
        pasted = base64.b64encode(b"0" * 800_000).decode()
        with self.assertRaisesRegex(UserError, "too large to be emailed"):
            self.post(
                self.customer_no_portal,
                f'<p>Foto</p><img src="data:image/png;base64,{pasted}">',
                visibility="customer",
            )
        self.assertEqual(self.env["mail.message"].search_count([]), before)
        # kept internal, or as a notice, the files stay in Odoo: no limit
        with self.mock_mail_gateway():
            internal = self.post(
                self.customer_no_portal, SECRET, attachment_ids=scan.ids
            )
        with self.assertRaisesRegex(UserError, "too large to be emailed"):
            internal.with_user(self.user_employee).write(
                {"dialog_visibility": "customer"}
            )
        self.assertEqual(internal.dialog_visibility, "internal")

    def test_the_resend_wizard_sends_nothing_else(self):
        """Odoo's wizard emails its message to the partners of the
        notifications it is given, both chosen by the caller over RPC."""
        failed = self.post_while_smtp_refuses(self.customer_no_portal)
        with self.mock_mail_gateway():
            internal = self.post(self.customer, "Intern: Bonität prüfen")
        copy = failed.dialog_delivery_message_id
        employee = self.env(user=self.user_employee)
        # no notification of a dialog message or of its delivery by a user
        for message in (internal, copy):
            with self.assertRaises(AccessError):
                employee["mail.notification"].create(
                    {
                        "mail_message_id": message.id,
                        "res_partner_id": self.contact.id,
                        "notification_type": "email",
                        "notification_status": "exception",
                    }
                )
        Wizard = employee["mail.resend.message"]
        # the dialog message itself, with the failed delivery's notification
        wizard = Wizard.with_context(mail_message_to_resend=copy.id).create({})
        wizard.mail_message_id = internal
        with self.mock_mail_gateway():
            with self.assertRaises(AccessError):
                wizard.resend_mail_action()
            with self.assertRaises(AccessError):
                wizard.partner_ids.action_resend()
            with self.assertRaises(AccessError):
                wizard.cancel_mail_action()
        self.assertFalse(self._mails)
        self.assertEqual(failed.dialog_delivery_state, "failed")

    def test_two_resends_of_one_failure_send_once(self):
        """Two users (or tabs) open the resend wizard on the same failure."""
        message = self.post_while_smtp_refuses(self.customer_no_portal)
        failed_mail = self._new_mails
        first = self.resend_wizard(message, self.user_employee)
        second = self.resend_wizard(message, self.user_employee)
        with self.mock_mail_gateway():
            first.resend_mail_action()
            with self.assertRaisesRegex(UserError, "already sent again"):
                second.resend_mail_action()
        self.assertEqual(len(self.sent_emails_to(self.customer_no_portal.email)), 1)
        self.assertEqual(failed_mail.state, "cancel", "no retry sends it again")
        message.invalidate_recordset(["dialog_delivery_state"])
        self.assertEqual(message.dialog_delivery_state, "sent")

    def test_pending_until_queue_sends(self):
        with self.mock_mail_gateway(), self.env.cr.savepoint():
            message = self.post(
                self.customer_no_portal.with_context(mail_notify_force_send=False),
                SECRET,
                visibility="customer",
            )
            self.assertEqual(message.dialog_delivery_state, "pending")
            self._new_mails.send()
            message.invalidate_recordset(["dialog_delivery_state"])
            self.assertEqual(message.dialog_delivery_state, "sent")

    def test_bounce_marks_failed(self):
        with self.mock_mail_gateway():
            message = self.post(self.customer_no_portal, SECRET, visibility="customer")
        notification = message.dialog_delivery_message_id.notification_ids
        self.assertEqual(notification.notification_status, "sent")
        notification.write(
            {"notification_status": "bounce", "failure_type": "mail_bounce"}
        )
        self.assertEqual(message.dialog_delivery_state, "failed")

    def test_resend_refused_when_not_failed(self):
        with self.mock_mail_gateway():
            message = self.post(self.customer_no_portal, SECRET, visibility="customer")
        with self.assertRaisesRegex(Exception, "delivery failed"):
            message.action_dialog_resend()
        # a cancelled delivery (erased, or its failure discarded) reads failed
        notification = message.dialog_delivery_message_id.notification_ids
        notification.notification_status = "canceled"
        self.assertEqual(message.dialog_delivery_state, "failed")
        with self.assertRaisesRegex(UserError, "nothing to resend"):
            message.action_dialog_resend()
