from datetime import date, timedelta

from odoo.exceptions import AccessError, UserError, ValidationError

from .common import DialogCase, needs_sale


class TestDialogPost(DialogCase):
    """The public dialog_post API: customers, follow-ups and bad input."""

    def _dialog_count(self):
        return self.env["mail.message"].search_count(
            [("dialog_visibility", "!=", False)]
        )

    @needs_sale
    def test_customer_of_records(self):
        self.assertEqual(self.contact._dialog_get_customer(), self.customer)
        self.assertEqual(self.customer._dialog_get_customer(), self.customer)
        self.assertEqual(self.order._dialog_get_customer(), self.customer)
        message = self.post(self.contact, "Über den Kontakt")
        self.assertEqual(message.dialog_partner_id, self.customer)
        self.assertEqual(message.model, "res.partner")
        self.assertEqual(message.res_id, self.contact.id)

    @needs_sale
    def test_all_fields_stored(self):
        interaction = "2026-03-02 09:30:00"
        with self.mock_mail_gateway():
            message = self.post(
                self.order,
                "<p>Anruf wegen <b>Lieferung</b></p>",
                visibility="internal",
                channel="phone",
                direction="incoming",
                subject="Lieferung",
                topic_id=self.topic_contract.id,
                user_id=self.user_manager.id,
                contact_id=self.contact.id,
                date=interaction,
            )
        self.assertEqual(message.subject, "Lieferung")
        self.assertIn("<b>Lieferung</b>", message.body)
        self.assertEqual(message.dialog_channel, "phone")
        self.assertEqual(message.dialog_direction, "incoming")
        self.assertEqual(message.dialog_topic_id, self.topic_contract)
        self.assertEqual(message.dialog_user_id, self.user_manager)
        self.assertEqual(message.dialog_contact_id, self.contact)
        self.assertEqual(str(message.date), interaction)
        self.assertEqual(message.dialog_reference_model, "sale.order")
        self.assertEqual(message.dialog_reference, self.order)
        self.assertEqual(message.record_name, self.order.name)

    def test_plain_text_body_keeps_lines(self):
        message = self.post(self.customer, "Zeile eins\nZeile zwei: 3 < 4 & mehr")
        self.assertIn("Zeile eins<br>Zeile zwei: 3 &lt; 4 &amp; mehr", message.body)

    def test_html_body_sanitised(self):
        message = self.post(
            self.customer, '<p onclick="x()">Hallo<script>alert(1)</script></p>'
        )
        self.assertNotIn("<script", message.body)
        self.assertNotIn("onclick", message.body)

    def test_a_subject_is_one_line_also_when_edited(self):
        message = self.post(self.customer, "Notiz", subject="Erste\nZweite  Zeile")
        self.assertEqual(message.subject, "Erste Zweite Zeile")
        message.with_user(self.user_employee).subject = "Neu\r\nbetreff"
        self.assertEqual(message.subject, "Neu betreff")
        with self.assertRaises(ValidationError):
            message.with_user(self.user_employee).subject = "x" * 1001
        self.assertEqual(message.subject, "Neu betreff")

    @needs_sale
    def test_follow_up_activity_for_responsible(self):
        due = date.today() + timedelta(days=7)
        message = self.post(
            self.order,
            "Rückruf vereinbart",
            subject="Rückruf",
            follow_up_date=due.isoformat(),
            user_id=self.user_manager.id,
        )
        activity = message.dialog_activity_id
        self.assertEqual(activity.res_model, "sale.order")
        self.assertEqual(activity.res_id, self.order.id)
        self.assertEqual(activity.user_id, self.user_manager)
        self.assertEqual(activity.date_deadline, due)
        # what to do (named by the subject) and a link, never the text
        self.assertEqual(activity.summary, f"Follow up: Rückruf ({self.customer.name})")
        self.assertNotIn("vereinbart", activity.summary + str(activity.note))
        self.assertIn(f"mail_message_dialog_action/{message.id}", activity.note)
        self.assertEqual(message.dialog_follow_up_date, due)

    def test_follow_up_defaults_to_author_with_read_only_access(self):
        due = date.today() + timedelta(days=1)
        message = self.post(self.customer, "Wiedervorlage", follow_up_date=due)
        activity = message.dialog_activity_id
        self.assertEqual(activity.user_id, self.user_employee)
        self.assertEqual(activity.res_model, "res.partner")
        self.assertEqual(activity.res_id, self.customer.id)

    def test_bad_input_refused_and_nothing_stored(self):
        other_company_topic = self.env["customer_dialog.topic"].create(
            {
                "name": "Fremd",
                "company_id": self.env["res.company"].create({"name": "Andere"}).id,
            }
        )
        archived_topic = self.env["customer_dialog.topic"].create(
            {"name": "Alt", "active": False}
        )
        foreign_message = self.post(self.other_customer, "Fremd")
        portal_attachment = self.env["ir.attachment"].create(
            {
                "name": "fremd.txt",
                "raw": b"x",
                "res_model": "customer_dialog.composer",
                "res_id": 0,
            }
        )
        cases = [
            (
                {"visibility": "public"},
                ValidationError,
                "not a valid value for visibility",
            ),
            ({"channel": "fax"}, ValidationError, "not a valid value for channel"),
            (
                {"direction": "sideways"},
                ValidationError,
                "not a valid value for direction",
            ),
            ({"topic_id": 999999}, ValidationError, "Unknown topic"),
            ({"topic_id": other_company_topic.id}, ValidationError, "Unknown topic"),
            ({"topic_id": archived_topic.id}, ValidationError, "archived"),
            ({"topic_id": "Allgemein"}, ValidationError, "by its id"),
            ({"user_id": 999999}, ValidationError, "Unknown responsible"),
            (
                {"user_id": self.user_portal.id},
                ValidationError,
                "not an active employee",
            ),
            ({"contact_id": 999999}, ValidationError, "Unknown contact"),
            (
                {"contact_id": self.other_contact.id},
                ValidationError,
                "is not a contact of",
            ),
            ({"attachment_ids": [999999]}, ValidationError, "Unknown attachments"),
            (
                {"attachment_ids": portal_attachment.ids},
                ValidationError,
                "Unknown attachments",
            ),
            (
                {"follow_up_date": "next tuesday"},
                ValidationError,
                "Invalid follow-up date",
            ),
            ({"send_content": "yes"}, ValidationError, "send_content"),
            ({"reply_to_id": foreign_message.id}, ValidationError, "not a customer"),
            ({"reply_to_id": 999999999}, ValidationError, "Unknown message to answer"),
            ({"body": ""}, ValidationError, "empty"),
            ({"body": "<p><br></p>"}, ValidationError, "empty"),
            ({"body": "   "}, ValidationError, "empty"),
        ]
        before = self._dialog_count()
        for kwargs, error, pattern in cases:
            body = kwargs.pop("body", "Text")
            with (
                self.subTest(kwargs=kwargs, body=body),
                self.assertRaisesRegex(error, pattern),
            ):
                self.post(self.customer, body, **kwargs)
        self.assertEqual(self._dialog_count(), before)

    def test_record_without_customer(self):
        if "crm.team" in self.env:
            team = self.env["crm.team"].create({"name": "Team ohne Kunde"})
        else:  # without sale: a discussion channel of mail has no customer either
            team = self.env["discuss.channel"].create({"name": "Team ohne Kunde"})
        before = self._dialog_count()
        with self.assertRaisesRegex(UserError, "has no customer"):
            self.post(team, "Text", user=self.user_manager)
        self.assertEqual(self._dialog_count(), before)

    @needs_sale
    def test_no_read_access_refused(self):
        self.user_employee.groups_id -= self.env.ref(
            "sales_team.group_sale_salesman_all_leads"
        )
        self.user_employee.groups_id -= self.env.ref("sales_team.group_sale_salesman")
        with self.assertRaises(AccessError):
            self.post(self.order, "Fremder Auftrag")


class TestDerivedState(DialogCase):
    """The delivery and the kind of reference object are stored once, as
    functions of the decision and of ``model``: they follow every path that
    changes those."""

    def test_delivery_and_reference_follow_their_source(self):
        from ..tools.dialog_constants import DELIVERY_OF_DECISION

        with self.mock_mail_gateway():
            messages = [
                self.post(self.customer, "Notiz"),
                self.post(self.customer, "Hinweis", visibility="customer"),
                self.post(
                    self.customer, "Inhalt", visibility="customer", send_content=True
                ),
                self.post(self.customer_no_portal, "Brief", visibility="customer"),
                self.post(self.customer_no_email, "Ohne", visibility="customer"),
            ]
        codes = [m.dialog_delivery_code for m in messages]
        self.assertEqual(
            codes, ["internal", "notice", "content", "content_no_portal", "no_email"]
        )
        for message in messages:
            with self.subTest(code=message.dialog_delivery_code):
                self.assertEqual(
                    message.dialog_delivery,
                    DELIVERY_OF_DECISION[message.dialog_delivery_code],
                )
                self.assertEqual(message.dialog_reference_model, message.model)
        # a later decision (internal -> for the customer) changes both at once
        note = messages[0].with_user(self.user_employee)
        with self.mock_mail_gateway():
            note.write({"dialog_visibility": "customer"})
        self.assertEqual(
            (note.dialog_delivery_code, note.dialog_delivery), ("notice", "notice")
        )
