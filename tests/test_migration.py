import importlib.util
import json
from pathlib import Path

from odoo import fields

from .common import DialogCase

MIGRATIONS = Path(__file__).parent.parent / "migrations"


def load_migration(version="18.0.1.1.0"):
    spec = importlib.util.spec_from_file_location(
        f"post_migrate_{version.replace('.', '_')}",
        MIGRATIONS / version / "post-migrate.py",
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestMigrationTo1_1(DialogCase):
    """Data of 18.0.1.0.0 stays privacy-safe under the customer-level flag."""

    def set_flags(self, flags):
        for partner, value in flags.items():
            self.env.cr.execute(
                "UPDATE res_partner SET dialog_mail_content = %s WHERE id = %s",
                (value, partner.id),
            )
        self.env.invalidate_all()

    def test_content_only_where_all_portal_contacts_had_it(self):
        second = self.env["res.partner"].create(
            {"name": "Zweite", "parent_id": self.customer.id, "email": "z@k.example"}
        )
        self._portal_user(second, "zweite.portal")
        self.set_flags(
            {
                self.customer: True,
                self.contact: True,  # portal user
                second: False,  # portal user
                self.other_customer: False,
                self.other_contact: True,  # the only portal user
                self.customer_no_portal: True,  # nobody in the portal
            }
        )
        load_migration().migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertFalse(self.customer.dialog_mail_content)
        self.assertFalse(self.contact.dialog_mail_content)
        self.assertFalse(second.dialog_mail_content)
        self.assertTrue(self.other_customer.dialog_mail_content)
        self.assertTrue(self.other_contact.dialog_mail_content)
        self.assertTrue(self.customer_no_portal.dialog_mail_content)

    def test_decision_codes_from_stored_sentences(self):
        with self.mock_mail_gateway():
            notice = self.post(self.customer, "Hinweis", visibility="customer")
            no_email = self.post(self.customer_no_email, "Ohne", visibility="customer")
            internal = self.post(self.customer, "Intern")
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("ALTER TABLE mail_message ADD COLUMN dialog_delivery_info varchar")
        cr.execute("ALTER TABLE mail_message ADD COLUMN dialog_delivery_state varchar")
        legacy = {
            notice: "Hinweis ohne Inhalt per E-Mail an info@kundenfirma.example.com.",
            no_email: "Klaus Ohnemail hat keine gültige E-Mail-Adresse.",
            internal: "Interne Nachricht: nicht versendet.",
        }
        for message, info in legacy.items():
            cr.execute(
                "UPDATE mail_message SET dialog_delivery_info = %s,"
                " dialog_delivery_code = NULL, dialog_delivery_address = NULL"
                " WHERE id = %s",
                (info, message.id),
            )
        load_migration().migrate(cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(notice.dialog_delivery_code, "notice")
        self.assertEqual(notice.dialog_delivery_address, "info@kundenfirma.example.com")
        self.assertEqual(no_email.dialog_delivery_code, "no_email")
        self.assertEqual(internal.dialog_delivery_code, "internal")
        cr.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = 'mail_message'"
            " AND column_name IN ('dialog_delivery_info', 'dialog_delivery_state')"
        )
        self.assertFalse(cr.fetchall(), "the old columns are dropped")


class TestMigrationTo1_2(DialogCase):
    """Images pasted before 18.0.1.2.0 become files of their message."""

    PIXEL = (
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8Dw"
        "HwAFAAIBpdWx9wAAAABJRU5ErkJggg=="
    )

    def test_pasted_images_move_to_their_message(self):
        document_file = self.env["ir.attachment"].create(
            {
                "name": "vertrag.pdf",
                "raw": b"%PDF",
                "res_model": "res.partner",
                "res_id": self.customer.id,
            }
        )
        with self.mock_mail_gateway():
            message = self.post(
                self.customer,
                f'<p>Foto</p><img src="data:image/png;base64,{self.PIXEL}">',
                attachment_ids=document_file.ids,
            )
        image = message.attachment_ids - document_file
        self.assertEqual(len(image), 1)
        # as 18.0.1.1.0 filed it: on the document
        self.env.cr.execute(
            "UPDATE ir_attachment SET res_model = 'res.partner', res_id = %s "
            "WHERE id = %s",
            (self.customer.id, image.id),
        )
        self.env.invalidate_all()
        load_migration("18.0.1.2.0").migrate(self.env.cr, "18.0.1.1.0")
        self.env.invalidate_all()
        self.assertEqual((image.res_model, image.res_id), ("mail.message", message.id))
        self.assertEqual(
            (document_file.res_model, document_file.res_id),
            ("res.partner", self.customer.id),
        )


class TestMigrationTo1_5(DialogCase):
    """To-dos and log lines of 18.0.1.4.0 named their dialog message only in
    a link of their text: the migration links them by field, once."""

    def unlink_fields(self, activities, logs):
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mail_activity SET dialog_message_id = NULL WHERE id = ANY(%s)",
            (activities.ids,),
        )
        self.env.cr.execute(
            "UPDATE mail_message SET dialog_log_for_id = NULL WHERE id = ANY(%s)",
            (logs.ids,),
        )
        self.env.invalidate_all()

    def test_activities_and_log_lines_linked(self):
        with self.mock_mail_gateway():
            follow_up = self.post(
                self.customer, "Rückruf", follow_up_date=fields.Date.today()
            )
            other = self.post(
                self.customer, "Zweiter Rückruf", follow_up_date=fields.Date.today()
            )
            failed = self.post(
                self.customer_no_portal, "Vertrag", visibility="customer"
            )
        failure = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": self.customer_no_portal.id,
                "activity_type_id": self.env.ref(
                    "customer_dialog.mail_activity_type_delivery_failed"
                ).id,
                "note": f'<a href="{failed._dialog_backend_url()}">Öffnen</a>',
                "user_id": self.user_employee.id,
            }
        )
        other.dialog_activity_id.action_feedback(feedback="erledigt")
        log = self.env["mail.message"].search([("dialog_log_for_id", "=", other.id)])
        self.assertEqual(len(log), 1)
        self.unlink_fields(follow_up.dialog_activity_id | failure, log)
        self.assertFalse(failed._dialog_failure_activities())

        load_migration("18.0.1.5.0").migrate(self.env.cr, "18.0.1.4.0")
        self.env.invalidate_all()

        self.assertEqual(follow_up.dialog_activity_id.dialog_message_id, follow_up)
        self.assertEqual(failure.dialog_message_id, failed)
        self.assertEqual(failed._dialog_failure_activities(), failure)
        self.assertEqual(log.dialog_log_for_id, other)


class TestMigrationTo1_6(DialogCase):
    """18.0.1.5.0 wrote the delivery and the kind of reference object beside
    the decision and ``model``: the migration sets what disagrees once."""

    def test_derived_fields_set_from_their_source(self):
        with self.mock_mail_gateway():
            notice = self.post(self.customer, "Vertrag", visibility="customer")
            note = self.post(self.customer, "Notiz")
        self.assertEqual(notice.dialog_delivery, "notice")
        self.assertEqual(note.dialog_reference_model, "res.partner")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mail_message SET dialog_delivery = 'none' WHERE id = %s",
            (notice.id,),
        )
        self.env.cr.execute(
            "UPDATE mail_message SET dialog_reference_model = NULL WHERE id = %s",
            (note.id,),
        )
        self.env.invalidate_all()
        self.assertEqual(notice.dialog_delivery, "none")

        load_migration("18.0.1.6.0").migrate(self.env.cr, "18.0.1.5.0")
        self.env.invalidate_all()

        self.assertEqual(notice.dialog_delivery, "notice")
        self.assertEqual(note.dialog_reference_model, "res.partner")


class TestMigrationTo1_7(DialogCase):
    """The delivery templates of 18.0.1.6.0 are loaded anew, unless an
    administrator edited them."""

    def load(self, version="18.0.1.7.0"):
        spec = importlib.util.spec_from_file_location(
            f"pre_migrate_{version.replace('.', '_')}",
            MIGRATIONS / version / "pre-migrate.py",
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    def noupdate(self, name):
        self.env.cr.execute(
            "SELECT noupdate FROM ir_model_data "
            "WHERE module = 'customer_dialog' AND name = %s",
            (name,),
        )
        return self.env.cr.fetchone()[0]

    def test_unedited_templates_are_loaded_anew_edited_ones_stay(self):
        edited = self.env.ref("customer_dialog.mail_template_dialog_notice")
        self.env.cr.execute(
            "UPDATE mail_template SET write_date = create_date + interval '2 days' "
            "WHERE id = %s",
            (edited.id,),
        )
        self.env.cr.execute(
            "UPDATE mail_template SET write_date = create_date WHERE id = %s",
            (self.env.ref("customer_dialog.mail_template_dialog_content").id,),
        )
        self.assertTrue(self.noupdate("mail_template_dialog_content"))
        self.load().migrate(self.env.cr, "18.0.1.6.0")
        self.assertFalse(self.noupdate("mail_template_dialog_content"))
        self.assertTrue(self.noupdate("mail_template_dialog_notice"))


class TestMigrationTo1_13(DialogCase):
    """Email templates as shipped are loaded anew, with their translations;
    an edited one stays (a noupdate record is never reloaded otherwise)."""

    OLD = {"en_US": "<p>Hello old</p>", "de_DE": "<p>Guten Tag alt</p>"}

    def set_body(self, template, body, edited):
        self.env.cr.execute(
            "UPDATE mail_template SET body_html = %s, write_date = create_date"
            + (" + interval '2 days'" if edited else "")
            + " WHERE id = %s",
            (json.dumps(body), template.id),
        )
        self.env.invalidate_all()

    def body(self, template, lang):
        self.env.cr.execute(
            "SELECT body_html ->> %s FROM mail_template WHERE id = %s",
            (lang, template.id),
        )
        return self.env.cr.fetchone()[0]

    def test_templates_as_shipped_are_loaded_anew_edited_ones_stay(self):
        self.env["res.lang"]._activate_lang("de_DE")
        ready = self.env.ref("customer_dialog.mail_template_dialog_export_ready")
        notice = self.env.ref("customer_dialog.mail_template_dialog_notice")
        self.set_body(ready, self.OLD, edited=False)
        self.set_body(notice, self.OLD, edited=True)
        load_migration("18.0.1.13.0").migrate(self.env.cr, "18.0.1.12.0")
        self.assertIn('t-out="object.dialog_salutation"', self.body(ready, "en_US"))
        self.assertIn("Sehr geehrter Herr Kunde,", self.body(ready, "de_DE"))
        self.assertIn("angeforderte Kopie Ihrer Kundenakte", self.body(ready, "de_DE"))
        self.assertEqual(self.body(notice, "de_DE"), self.OLD["de_DE"], "edited")
        self.assertEqual(self.body(notice, "en_US"), self.OLD["en_US"])
        self.env.cr.execute(
            "SELECT write_date = create_date FROM mail_template WHERE id = %s",
            (ready.id,),
        )
        self.assertTrue(self.env.cr.fetchone()[0], "still as shipped next time")
        # the reloaded template renders: the customer is greeted as in a letter
        self.user_portal.partner_id.title = self.env.ref(
            "base.res_partner_title_mister"
        )
        job = self.portal_export_job()
        body = ready.with_context(lang="de_DE")._render_field("body_html", job.ids)
        self.assertIn("Sehr geehrter Herr", body[job.id])
