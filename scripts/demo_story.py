"""The German demo story of `make run`, loaded into its database after
installation with ``odoo-bin shell < scripts/demo_story.py`` (scripts/run.sh).

It needs Contacts and Sales, which the module itself does not depend on, so it
is not part of the manifest's demo data. Everything it creates carries an xml
id of the pseudo-module ``customer_dialog_demo`` (never updated nor removed by
Odoo): running it again creates nothing twice. It also points the database's
outgoing mail server at the SMTP sink of `make run` (MAIL_SINK_PORT).

The story, told through ``dialog_post`` so that the delivery rules decide
every message as in real use, with interaction dates over the last months:

- Schneider & Partner (portal user kunde, notices only): an order with a
  notice, an internal call, a request answered by Petra Schneider in the
  portal and the employee's answer in the same conversation;
- Sabine Wagner (portal user kundin, full content by email): her membership;
- Gasthaus Zur Linde (no portal): a quotation emailed with its content, a call
  whose follow-up is due today;
- Bäckerei Hoffmann: a complaint whose follow-up is overdue, discussed in
  the Community Board;
- Klaus Becker (no email address): a letter saved as internal;
- Markus Lehmann: warned for house-rule violations, then blocked;
- Metallbau Müller: an email the mail server refuses (an address at a
  ``.invalid`` domain): the one failed delivery, with Resend.
"""

import base64
import io
import os
import re
from datetime import datetime, time, timedelta

from markupsafe import Markup
from PIL import Image, ImageDraw

from odoo import Command, fields

MODULE = "customer_dialog_demo"
CD = "customer_dialog"
# addresses the SMTP sink of make run refuses (scripts/mail_sink.py)
REJECTED = re.compile(
    os.environ.get("MAIL_SINK_REJECT") or r"@[^@>\s]+\.invalid$", re.I
)


# The story's own customers: (attribute, xml id, attribute of the parent
# company or None for a company or private customer in Germany, values); all
# speak the database's German.
PARTNERS = [
    (
        "linde",
        "partner_linde",
        None,
        {
            "name": "Gasthaus Zur Linde",
            "is_company": True,
            "street": "Neckarhalde 22",
            "zip": "72070",
            "city": "Tübingen",
            "email": "info@gasthaus-linde.example.com",
            "phone": "+49 7071 55012",
        },
    ),
    (
        "brandt",
        "partner_linde_brandt",
        "linde",
        {
            "name": "Thomas Brandt",
            "function": "Wirt",
            "email": "thomas.brandt@gasthaus-linde.example.com",
        },
    ),
    (
        "lehmann",
        "partner_lehmann",
        None,
        {
            "name": "Markus Lehmann",
            "street": "Gartenstraße 5",
            "zip": "80331",
            "city": "München",
            "email": "markus.lehmann@example.com",
            "mobile": "+49 151 2345678",
        },
    ),
    (
        "mueller",
        "partner_mueller",
        None,
        {
            "name": "Metallbau Müller GmbH",
            "is_company": True,
            "street": "Industriestraße 18",
            "zip": "89073",
            "city": "Ulm",
            "email": "info@metallbau-mueller.example.com",
            "phone": "+49 731 778899",
        },
    ),
    (
        "stefan",
        "partner_mueller_stefan",
        "mueller",
        {
            "name": "Stefan Müller",
            "function": "Einkauf",
            # an address that no longer exists: the mail server refuses it
            "email": "stefan.mueller@metallbau-mueller.invalid",
        },
    ),
]


# (attribute, xml id, name, price, type) of what the demo customers buy
PRODUCTS = [
    (
        "p_abschluss",
        "product_jahresabschluss",
        "Jahresabschluss 2025 (Pauschale)",
        2400.0,
        "service",
    ),
    (
        "p_lohn",
        "product_lohnbuchhaltung",
        "Lohnbuchhaltung (monatlich)",
        180.0,
        "service",
    ),
    (
        "p_broetchen",
        "product_broetchen",
        "Brötchenlieferung Großkunde (Woche)",
        320.0,
        "consu",
    ),
    (
        "p_mitglied",
        "product_mitgliedschaft",
        "Premium-Mitgliedschaft (12 Monate)",
        599.0,
        "service",
    ),
    (
        "p_catering",
        "product_catering",
        "Catering-Paket Sommerfest (pro Gast)",
        39.5,
        "service",
    ),
    (
        "p_traeger",
        "product_stahltraeger",
        "Stahlträger HEB 200 (laufender Meter)",
        89.0,
        "consu",
    ),
]


def logo_png():
    """A plain logo (the company's name on its colour), drawn here: the demo
    downloads nothing."""
    image = Image.new("RGB", (360, 120), (1, 126, 132))
    # (Pillow's default bitmap font, drawn small and scaled up)
    small = Image.new("RGB", (90, 30), (1, 126, 132))
    ImageDraw.Draw(small).text((6, 9), "LINDENHOF", fill=(255, 255, 255))
    image.paste(small.resize((360, 120), Image.NEAREST))
    data = io.BytesIO()
    image.save(data, format="PNG")
    return base64.b64encode(data.getvalue())


class Story:
    def __init__(self, env):
        self.env = env
        self.now = fields.Datetime.now()
        self.today = fields.Date.context_today(env.user)
        self.created = 0

    # ------------------------------------------------------------------
    # xml ids: what exists already is never created again
    # ------------------------------------------------------------------

    def ref(self, name):
        return self.env.ref(
            name if "." in name else f"{MODULE}.{name}", raise_if_not_found=False
        )

    def remember(self, name, record):
        Data = self.env["ir.model.data"]
        data = Data.search([("module", "=", MODULE), ("name", "=", name)])
        values = {"model": record._name, "res_id": record.id, "noupdate": True}
        if data:
            data.write(values)
        else:
            Data.create({"module": MODULE, "name": name, **values})
        self.created += 1
        return record

    def ensure(self, name, model, values):
        return self.ref(name) or self.remember(name, self.env[model].create(values))

    def days_ago(self, days, hour=10, minute=0):
        """A past moment (UTC) ``days`` ago; never later than now."""
        moment = datetime.combine(self.today - timedelta(days=days), time(hour, minute))
        return fields.Datetime.to_string(min(moment, self.now - timedelta(minutes=5)))

    def done(self, name):
        """Whether the story created ``name`` once: what a user (or the
        retention job) deleted since is not created again."""
        return bool(
            self.env["ir.model.data"].search_count(
                [("module", "=", MODULE), ("name", "=", name)]
            )
        )

    def post(self, name, record, body, user=None, **kwargs):
        """dialog_post once: the message gets the xml id ``name``."""
        if self.done(name):
            return self.ref(name) or self.env["mail.message"]
        user = user or self.admin
        # as the user works: in their language (the to-do's title too)
        message_id = (
            record.with_user(user)
            .with_context(lang=user.lang)
            .dialog_post(body, **kwargs)
        )
        return self.remember(name, self.env["mail.message"].browse(message_id))

    # ------------------------------------------------------------------
    # The story
    # ------------------------------------------------------------------

    def run(self):
        self.setup_mail_server()
        self.setup_company()
        self.setup_people()
        self.setup_products()
        self.tell_schneider()
        self.tell_wagner()
        self.tell_linde()
        self.tell_hoffmann()
        self.tell_becker()
        self.tell_lehmann()
        self.tell_mueller()

    def setup_mail_server(self):
        port = int(os.environ.get("MAIL_SINK_PORT") or 2525)
        values = {
            "name": "Lokaler Mail-Sink (make run)",
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_encryption": "none",
            "smtp_authentication": "login",
            "smtp_user": False,
            "smtp_pass": False,
            # the company's domain: its emails leave with their own sender
            # (as with a real mail server authorised for the domain)
            "from_filter": "lindenhof-service.example.com",
            "sequence": 1,
            "active": True,
        }
        server = self.ref("mail_server_sink")
        if server:
            if (
                server.smtp_port != port
                or not server.active
                or server.from_filter != values["from_filter"]
            ):
                server.write(
                    {
                        "smtp_port": port,
                        "active": True,
                        "from_filter": values["from_filter"],
                    }
                )
        else:
            self.ensure("mail_server_sink", "ir.mail_server", values)

    def setup_identity(self):
        """The German company, before any module sends an email (make run
        calls this alone on a database with only base, DEMO_STEP=identity):
        its name, address, VAT id, phone, info@ address, A4 paper, a logo,
        Germany and the euro before Accounting exists, its manager instead of
        "Mitchell Admin", and German for every contact created from now on."""
        env = self.env
        company = env.company
        if company.name in ("YourCompany", "My Company"):
            company.write({"name": "Lindenhof Service GmbH"})
        # Odoo's demo users work "at YourCompany" (a typed company name)
        env["res.partner"].with_context(active_test=False).search(
            [("company_name", "in", ("YourCompany", "My Company"))]
        ).write({"company_name": False})
        values = {
            "street": "Lindenhof 1",
            "street2": False,
            "zip": "88212",
            "city": "Ravensburg",
            "state_id": False,
            # before Accounting: Odoo then installs the German chart of
            # accounts (SKR03), whose books are in euro
            "country_id": env.ref("base.de").id,
            "vat": "DE811907980",
            "phone": "+49 751 123450",
            "email": "info@lindenhof-service.example.com",
            "website": "https://www.lindenhof-service.example.com",
            "company_registry": "HRB 123456, Amtsgericht Ulm",
            "paperformat_id": env.ref("base.paperformat_euro").id,
        }
        changed = {
            name: value
            for name, value in values.items()
            if (company[name].id if hasattr(company[name], "id") else company[name])
            != value
        }
        if changed:
            company.write(changed)
        if company.uses_default_logo:
            company.logo = logo_png()
        euro = env.ref("base.EUR")
        books_exist = "account.move.line" in env and env[
            "account.move.line"
        ].sudo().search_count([], limit=1)
        if company.currency_id != euro and not books_exist:
            euro.active = True
            company.currency_id = euro
        german = env["res.lang"]._lang_get("de_DE")
        self.lang = "de_DE" if german and german.active else env.lang or "en_US"
        self.admin = env.ref("base.user_admin")
        if self.admin.name == "Mitchell Admin":
            self.admin.write(
                {
                    "name": "Martin Krüger",
                    "email": "martin.krueger@lindenhof-service.example.com",
                    "phone": "+49 751 123451",
                }
            )
        if not self.admin.signature:
            self.admin.signature = Markup(
                "<p>Martin Krüger<br/>Geschäftsführer<br/>Lindenhof Service GmbH</p>"
            )
        if self.admin.lang != self.lang or self.admin.tz != "Europe/Berlin":
            self.admin.write({"lang": self.lang, "tz": "Europe/Berlin"})
        company.partner_id.lang = self.lang
        # the firm's customers speak German unless told otherwise
        env["ir.default"].set("res.partner", "lang", self.lang)

    def setup_company(self):
        """The rest of the company once its modules are installed: an alias
        domain, so that delivery emails come from info@ and answers go to its
        catchall."""
        env = self.env
        company = env.company
        self.setup_identity()
        # the German localisation's demo adds "DE Company": not the admin's
        if self.admin.company_ids != company:
            self.admin.write(
                {"company_id": company.id, "company_ids": [Command.set(company.ids)]}
            )
        domain = env["mail.alias.domain"].search(
            [("name", "=", "lindenhof-service.example.com")], limit=1
        ) or env["mail.alias.domain"].create(
            {
                "name": "lindenhof-service.example.com",
                "catchall_alias": "antwort",
                "bounce_alias": "bounce",
                "default_from": "notifications",
            }
        )
        if company.alias_domain_id != domain:
            company.alias_domain_id = domain

    def setup_people(self):
        env = self.env
        lang = self.lang
        salesman = env.ref("sales_team.group_sale_salesman_all_leads")
        self.jana = self.ref("user_jana") or self.remember(
            "user_jana",
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Jana Vogel",
                    "login": "jana",
                    "password": "jana",
                    "email": "jana.vogel@lindenhof-service.example.com",
                    "signature": Markup(
                        "<p>Jana Vogel<br/>Kundenservice<br/>Lindenhof Service GmbH</p>"
                    ),
                    "lang": lang,
                    "tz": "Europe/Berlin",
                    "groups_id": [
                        Command.set([env.ref("base.group_user").id, salesman.id])
                    ],
                }
            ),
        )
        de = env.ref("base.de").id
        for attribute, name, parent, values in PARTNERS:
            values = {**values, "lang": lang}
            if parent:
                values["parent_id"] = getattr(self, parent).id
            else:
                values["country_id"] = de
            setattr(self, attribute, self.ensure(name, "res.partner", values))
        # the module's demo customers (demo/*.xml) and their portal users
        self.schneider = env.ref(f"{CD}.partner_demo_schneider")
        self.petra = env.ref(f"{CD}.partner_demo_petra_schneider")
        self.hoffmann = env.ref(f"{CD}.partner_demo_hoffmann")
        self.becker = env.ref(f"{CD}.partner_demo_klaus_becker")
        self.wagner = env.ref(f"{CD}.partner_demo_sabine_wagner")
        self.kunde = env.ref(f"{CD}.user_demo_portal_petra")
        demo_partners = (
            self.schneider
            | self.schneider.child_ids
            | self.hoffmann
            | self.hoffmann.child_ids
            | self.becker
            | self.wagner
        )
        demo_partners.filtered(lambda p: p.lang != lang).write({"lang": lang})
        # how each person is addressed: "Sehr geehrte Frau …", "… Herr …"
        madam = env.ref("base.res_partner_title_madam")
        mister = env.ref("base.res_partner_title_mister")
        for person, title in (
            (self.petra, madam),
            (self.wagner, madam),
            (self.becker, mister),
            (self.brandt, mister),
            (self.lehmann, mister),
            (self.stefan, mister),
        ):
            if person and not person.title:
                person.title = title
        (self.kunde | env.ref(f"{CD}.user_demo_portal_sabine")).filtered(
            lambda u: u.tz != "Europe/Berlin"
        ).write({"tz": "Europe/Berlin"})

    def setup_products(self):
        # prices in euro, as listed (also on a database whose books were
        # opened in Odoo's demo dollar before the company was German)
        euro = self.env.ref("base.EUR")
        if not euro.active:
            euro.active = True
        self.pricelist = self.ensure(
            "pricelist_eur",
            "product.pricelist",
            {"name": "Standardpreise", "currency_id": euro.id, "sequence": 1},
        )
        for attribute, name, product_name, price, kind in PRODUCTS:
            values = {
                "name": product_name,
                "list_price": price,
                "type": kind,
                "sale_ok": True,
            }
            product = self.ensure(name, "product.product", values)
            setattr(self, attribute, product)
            # its price in euro as listed (not converted from the demo's dollar)
            self.ensure(
                f"{name}_eur",
                "product.pricelist.item",
                {
                    "pricelist_id": self.pricelist.id,
                    "applied_on": "0_product_variant",
                    "product_id": product.id,
                    "compute_price": "fixed",
                    "fixed_price": price,
                },
            )

    def order(self, name, partner, days, lines, confirm=True):
        order = self.ref(name)
        if order:
            return order
        # no tracking: the orders' chatter shows the dialog, not their history
        Order = self.env["sale.order"].with_context(tracking_disable=True)
        order = Order.create(
            {
                "partner_id": partner.id,
                "pricelist_id": self.pricelist.id,
                "user_id": self.admin.id,
                "date_order": self.days_ago(days, 9),
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                    for product, qty in lines
                ],
            }
        )
        if confirm:
            order.action_confirm()
            order.date_order = self.days_ago(days, 9)
        order.message_subscribe(partner_ids=partner.ids)
        return self.remember(name, order)

    def topic(self, name):
        return self.env.ref(f"{CD}.topic_{name}").id

    def tell_schneider(self):
        order = self.order(
            "order_schneider",
            self.petra,
            125,
            [(self.p_abschluss, 1), (self.p_lohn, 12)],
        )
        self.post(
            "msg_schneider_confirmation",
            order,
            "<p>Sehr geehrte Frau Schneider,</p><p>vielen Dank für Ihren Auftrag. "
            "Wir übernehmen ab sofort Ihren Jahresabschluss und die monatliche "
            "Lohnbuchhaltung. Die Auftragsbestätigung finden Sie im Anhang Ihres "
            "Auftrags im Kundenportal.</p>",
            visibility="customer",
            channel="letter",
            subject="Auftragsbestätigung Jahresabschluss und Lohnbuchhaltung",
            topic_id=self.topic("contract_change"),
            contact_id=self.petra.id,
            date=self.days_ago(120, 9, 30),
        )
        self.post(
            "msg_schneider_call",
            order,
            "Frau Schneider fragt, ob die Belege künftig digital eingereicht werden "
            "können. Zugesagt: Upload über das Portal, Papierbelege nur noch auf "
            "Nachfrage.",
            user=self.jana,
            channel="phone",
            direction="incoming",
            subject="Digitale Belege",
            topic_id=self.topic("general"),
            contact_id=self.petra.id,
            date=self.days_ago(95, 14, 10),
        )
        request = self.post(
            "msg_schneider_request",
            order,
            "<p>Sehr geehrte Frau Schneider,</p><p>für den Jahresabschluss fehlen "
            "uns noch die Kontoauszüge Oktober bis Dezember und die Inventurliste. "
            "Bitte reichen Sie beides bis Monatsende ein.</p>",
            user=self.jana,
            visibility="customer",
            channel="email",
            subject="Fehlende Unterlagen für den Jahresabschluss",
            topic_id=self.topic("general"),
            contact_id=self.petra.id,
            user_id=self.jana.id,
            date=self.days_ago(12, 8, 45),
        )
        if request and not self.done("msg_schneider_reply"):
            # as the portal does: the portal user's answer, stored in sudo
            self.remember(
                "msg_schneider_reply",
                request.with_user(self.kunde)
                .sudo()
                ._dialog_portal_reply(
                    self.petra,
                    Markup(
                        "<p>Guten Tag Frau Vogel,</p><p>die Kontoauszüge lade "
                        "ich heute Abend hoch. Die Inventurliste kommt nächste "
                        "Woche, wir zählen erst am Samstag. Reicht das noch?</p>"
                        "<p>Viele Grüße<br/>Petra Schneider</p>"
                    ),
                    [],
                ),
            )
        self.post(
            "msg_schneider_answer",
            order,
            "<p>Liebe Frau Schneider,</p><p>das passt gut. Wir beginnen mit den "
            "Kontoauszügen; die Inventurliste brauchen wir spätestens bis zum 15. "
            "Vielen Dank!</p>",
            user=self.jana,
            visibility="customer",
            subject="Re: Fehlende Unterlagen für den Jahresabschluss",
            topic_id=self.topic("general"),
            contact_id=self.petra.id,
            reply_to_id=request.id or None,
            channel="email",
        )

    def tell_wagner(self):
        order = self.order("order_wagner", self.wagner, 150, [(self.p_mitglied, 1)])
        self.post(
            "msg_wagner_contract",
            order,
            "<p>Liebe Frau Wagner,</p><p>willkommen im Studio! Ihre "
            "Premium-Mitgliedschaft beginnt am 1. des nächsten Monats und läuft "
            "zwölf Monate. Sauna und Kurse sind inbegriffen.</p>",
            visibility="customer",
            channel="visit",
            subject="Ihre Premium-Mitgliedschaft",
            topic_id=self.topic("contract_change"),
            date=self.days_ago(148, 17, 20),
        )
        self.post(
            "msg_wagner_course",
            order,
            "<p>Liebe Frau Wagner,</p><p>Ihr Yoga-Kurs wechselt ab nächster Woche "
            "auf Donnerstag, 18:30 Uhr, Raum 2.</p>",
            visibility="customer",
            channel="email",
            subject="Ihr Yoga-Kurs: neue Uhrzeit",
            topic_id=self.topic("general"),
            date=self.days_ago(40, 11, 5),
        )

    def tell_linde(self):
        order = self.order(
            "order_linde", self.brandt, 21, [(self.p_catering, 80)], confirm=False
        )
        self.post(
            "msg_linde_offer",
            order,
            "<p>Sehr geehrter Herr Brandt,</p><p>anbei unser Angebot für Ihr "
            "Sommerfest mit 80 Gästen: Buffet, Getränke und Personal. Wir halten "
            "den Termin bis Monatsende für Sie frei.</p>",
            user=self.jana,
            visibility="customer",
            channel="email",
            subject="Ihr Angebot für das Sommerfest",
            topic_id=self.topic("general"),
            contact_id=self.brandt.id,
            date=self.days_ago(21, 10, 15),
        )
        self.post(
            "msg_linde_call",
            order,
            "Herr Brandt rief an: Es kommen 120 statt 80 Gäste. Angebot anpassen "
            "und heute zurückrufen.",
            channel="phone",
            direction="incoming",
            subject="Mehr Gäste beim Sommerfest",
            topic_id=self.topic("complaint_wish"),
            contact_id=self.brandt.id,
            user_id=self.admin.id,
            follow_up_date=fields.Date.to_string(self.today),
            date=self.days_ago(1, 16, 40),
        )

    def tell_hoffmann(self):
        order = self.order("order_hoffmann", self.hoffmann, 65, [(self.p_broetchen, 4)])
        self.post(
            "msg_hoffmann_confirmation",
            order,
            "<p>Sehr geehrte Frau Hoffmann,</p><p>wir bestätigen die wöchentliche "
            "Lieferung von Brötchen und Laugengebäck an Ihre Filiale am "
            "Marktplatz.</p>",
            visibility="customer",
            channel="letter",
            subject="Auftragsbestätigung Brötchenlieferung",
            topic_id=self.topic("contract_change"),
            date=self.days_ago(60, 8, 0),
        )
        complaint = self.post(
            "msg_hoffmann_complaint",
            order,
            "Besuch in der Filiale: Die Lieferung kam dreimal nach 7 Uhr. Frau "
            "Hoffmann erwartet eine Gutschrift. Tourenplanung klären und "
            "Gutschrift prüfen.",
            user=self.jana,
            channel="visit",
            direction="incoming",
            subject="Reklamation: verspätete Lieferungen",
            topic_id=self.topic("complaint_wish"),
            contact_id=self.env.ref(f"{CD}.partner_demo_maria_hoffmann").id,
            user_id=self.jana.id,
            follow_up_date=fields.Date.to_string(self.today - timedelta(days=6)),
            date=self.days_ago(18, 13, 30),
        )
        self.discuss(
            "board_hoffmann_complaint",
            complaint,
            [
                (self.jana, "Kann die Tour 3 eine halbe Stunde früher starten?"),
                (self.admin, "Ja, ab Montag. Gutschrift über 3 Lieferungen geht raus."),
            ],
        )

    def discuss(self, name, message, posts):
        """The message discussed in the Community Board once, with ``posts``
        as (user, text)."""
        if self.done(name) or not message:
            return
        message.with_user(self.jana).action_dialog_discuss()
        thread = message.sudo().dialog_board_thread_ids
        thread.add_members(partner_ids=[user.partner_id.id for user, _text in posts])
        for user, text in posts:
            thread.with_user(user).message_post(
                body=text, message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.remember(name, thread)

    def tell_becker(self):
        self.post(
            "msg_becker_offer",
            self.becker,
            "<p>Sehr geehrter Herr Becker,</p><p>wir möchten Sie gern als Kunden "
            "behalten und bieten Ihnen die Verlängerung zu den bisherigen "
            "Konditionen an.</p>",
            visibility="customer",
            channel="letter",
            subject="Angebot zur Vertragsverlängerung",
            topic_id=self.topic("contract_change"),
            date=self.days_ago(70, 10, 0),
        )

    def tell_lehmann(self):
        self.post(
            "msg_lehmann_camera",
            self.lehmann,
            "Kamerakontrolle 19:10 Uhr: Herr Lehmann hat einer zweiten Person mit "
            "seiner Karte Zutritt verschafft.",
            channel="other",
            subject="Zutritt mit fremder Karte",
            topic_id=self.topic("camera_check"),
            date=self.days_ago(16, 19, 30),
        )
        self.post(
            "msg_lehmann_warning",
            self.lehmann,
            "<p>Sehr geehrter Herr Lehmann,</p><p>am Dienstag haben Sie einer "
            "weiteren Person mit Ihrer Mitgliedskarte Zutritt verschafft. Das "
            "verstößt gegen unsere Hausordnung. Im Wiederholungsfall sperren wir "
            "Ihre Mitgliedschaft.</p>",
            visibility="customer",
            channel="letter",
            subject="Abmahnung: Verstoß gegen die Hausordnung",
            topic_id=self.topic("house_rule_violation"),
            date=self.days_ago(14, 9, 0),
        )
        self.post(
            "msg_lehmann_again",
            self.lehmann,
            "Erneut fremde Person mit seiner Karte im Studio (Kamerakontrolle "
            "18:45 Uhr). Sperre veranlasst.",
            channel="other",
            subject="Wiederholter Verstoß",
            topic_id=self.topic("camera_check"),
            date=self.days_ago(5, 19, 0),
        )
        # the renewal he asked for, quoted before the block: the quotation
        # shows the block where the salesperson works
        self.order(
            "order_lehmann", self.lehmann, 20, [(self.p_mitglied, 1)], confirm=False
        )
        if not self.lehmann.dialog_blocked and not self.done("lehmann_blocked"):
            wizard = (
                self.env["customer_dialog.block.wizard"]
                .with_user(self.admin)
                .create(
                    {
                        "partner_id": self.lehmann.id,
                        "mode": "block",
                        "reason": "Wiederholter Verstoß gegen die Hausordnung: "
                        "Zutritt für Dritte mit der eigenen Mitgliedskarte.",
                    }
                )
            )
            wizard.action_confirm()
            self.remember("lehmann_blocked", self.lehmann)

    def tell_mueller(self):
        order = self.order(
            "order_mueller", self.mueller, 10, [(self.p_traeger, 24)], confirm=False
        )
        self.post(
            "msg_mueller_offer",
            order,
            "<p>Sehr geehrter Herr Müller,</p><p>anbei unser Angebot über 24 "
            "laufende Meter Stahlträger HEB 200, lieferbar in zwei Wochen.</p>",
            user=self.jana,
            visibility="customer",
            channel="email",
            subject="Ihr Angebot: Stahlträger HEB 200",
            topic_id=self.topic("general"),
            contact_id=self.stefan.id,
            date=self.days_ago(9, 11, 0),
        )
        self.post(
            "msg_mueller_call",
            order,
            "Zentrale von Metallbau Müller: Herr Müller hat eine neue E-Mail-Adresse "
            "(stefan.mueller@metallbau-mueller.example.com). Die Angebots-E-Mail kam "
            "zurück, bitte Adresse korrigieren und erneut senden.",
            user=self.jana,
            channel="phone",
            direction="incoming",
            subject="Angebot kam nicht an",
            topic_id=self.topic("general"),
            date=self.days_ago(8, 10, 20),
        )

    # ------------------------------------------------------------------
    # Emails
    # ------------------------------------------------------------------

    def retry_unsent(self):
        """Send again the dialog emails that failed before the sink was the
        mail server (e.g. the module's demo messages of an older database),
        but not those the sink refuses."""
        Mail = self.env["mail.mail"]
        failed = Mail.search([("state", "=", "exception")]).filtered(
            lambda mail: mail.mail_message_id
            and self.env["mail.message"].search_count(
                [("dialog_delivery_message_id", "=", mail.mail_message_id.id)]
            )
            and not any(
                REJECTED.search(partner.email or "") for partner in mail.recipient_ids
            )
        )
        if failed:
            failed.write({"state": "outgoing", "failure_reason": False})
        return len(failed)


def main(env):
    story = Story(env)
    if os.environ.get("DEMO_STEP") == "identity":
        story.setup_identity()
        env.cr.commit()
        print("demo company: " + env.company.name)
        return
    story.run()
    retried = story.retry_unsent()
    env.cr.commit()  # emails of this run leave after the commit (to the sink)
    env["mail.mail"].sudo().process_email_queue()
    env.cr.commit()
    counts = {
        "created": story.created,
        "resent": retried,
        "orders": env["sale.order"].search_count([]),
        "dialog messages": env["mail.message"].search_count(
            [("dialog_visibility", "!=", False)]
        ),
        "failed deliveries": env["mail.message"].search_count(
            [("dialog_delivery_state", "=", "failed")]
        ),
    }
    print("demo story: " + ", ".join(f"{key} {value}" for key, value in counts.items()))


if "env" in globals():  # run by odoo-bin shell
    main(env)  # noqa: F821
