import tempfile
import time

from markupsafe import Markup
from werkzeug.exceptions import BadRequest
from werkzeug.wsgi import wrap_file

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import UserError, ValidationError
from odoo.http import content_disposition, request
from odoo.osv import expression
from odoo.tools import escape_psql, plaintext2html

from ..models.incoming.mail_message import DialogAttachmentTooLarge
from ..report.customer_file import PORTAL_EXPORT, background_from
from ..tools.dialog_input import (
    MAX_ID,
    check_text,
    check_text_size,
    max_text_chars,
    printable,
)

# Seconds during which a visitor who just wrote (replied) reads on the
# primary: a hot standby replays a commit within milliseconds, but the page
# that follows the write must show it, whatever the standby's lag
# (read-your-writes).
READ_YOUR_WRITES = 10
# The customer file's JSON is kept in memory up to this size, then on disk.
EXPORT_SPOOL_BYTES = 8 * 1024 * 1024


def read_only(controller):
    """``readonly`` of the portal's reading routes: on a read-only cursor (the
    replica, db_replica_host, where there is one), except for a visitor who
    wrote within READ_YOUR_WRITES seconds."""
    until = request.session.get("dialog_primary_until")
    return not (isinstance(until, int | float) and until > time.time())


class DialogPortal(CustomerPortal):
    """The customer's messages in /my: list, detail, attachments, reply.

    Every route finds the message through ``_dialog_message_domain`` (published
    customer messages of the visitor's commercial entity); anything else is a
    404, whatever the id.
    """

    _dialog_items_per_page = 20

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dialog_message_count" in counters:
            values["dialog_message_count"] = (
                request.env["mail.message"]
                .sudo()
                .search_count(self._dialog_conversation_domain())
            )
        return values

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------

    def _dialog_message_domain(self):
        return request.env["mail.message"]._dialog_portal_domain(
            request.env.user.partner_id
        )

    def _dialog_conversation_domain(self):
        """The list shows conversations; answers are read inside them."""
        return [*self._dialog_message_domain(), ("dialog_reply_to_id", "=", False)]

    def _dialog_get_message(self, message_id):
        """The published message ``message_id`` of the visitor's customer, in
        sudo, or a 404 (also for ids no database row can have)."""
        if not 0 < message_id <= MAX_ID:
            raise request.not_found()
        message = (
            request.env["mail.message"]
            .sudo()
            .search([("id", "=", message_id), *self._dialog_message_domain()], limit=1)
        )
        if not message:
            raise request.not_found()
        return message

    # ------------------------------------------------------------------
    # List
    # ------------------------------------------------------------------

    def _dialog_searchbar_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "date desc, id desc"},
            "subject": {
                "label": request.env._("Subject"),
                "order": "subject asc, date desc",
            },
        }

    def _dialog_searchbar_inputs(self):
        return {
            "all": {
                "input": "all",
                "label": request.env._("Search in subject and text"),
            },
            "subject": {
                "input": "subject",
                "label": request.env._("Search in subject"),
            },
            "body": {"input": "body", "label": request.env._("Search in text")},
        }

    def _dialog_searchbar_filters(self):
        """ "All", then one entry per topic and per kind of reference object
        that this customer's conversations actually have (read from an index,
        not from the customer's whole history)."""
        Message = request.env["mail.message"].sudo()
        customer = request.env.user.partner_id.commercial_partner_id
        filters = {"all": {"label": request.env._("All"), "domain": []}}
        topic_ids = Message._dialog_portal_distinct(customer, "dialog_topic_id")
        for topic in request.env["customer_dialog.topic"].sudo().browse(topic_ids):
            filters[f"topic_{topic.id}"] = {
                "label": topic.name,
                "domain": [("dialog_topic_id", "=", topic.id)],
            }
        labels = dict(
            Message._fields["dialog_reference_model"]._description_selection(
                request.env
            )
        )
        for model in Message._dialog_portal_distinct(
            customer, "dialog_reference_model"
        ):
            filters[f"ref_{model}"] = {
                "label": labels.get(model, model),
                "domain": [("dialog_reference_model", "=", model)],
            }
        return filters

    def _dialog_search_domain(self, search_in, search):
        """Search terms are matched literally: ``%`` and ``_`` are no
        wildcards."""
        if not search:
            return []
        fields = {"subject": ["subject"], "body": ["body"]}.get(
            search_in, ["subject", "body"]
        )
        term = escape_psql(search)
        return expression.OR([[(fname, "ilike", term)] for fname in fields])

    @http.route(
        ["/my/messages", "/my/messages/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=read_only,
    )
    def portal_my_dialog_messages(
        self, page=1, sortby="date", filterby="all", search_in="all", search=None, **kw
    ):
        if search is not None:
            try:
                search = check_text(request.env, search, request.env._("search"))
            except ValidationError as error:
                raise BadRequest(str(error)) from error
        Message = request.env["mail.message"].sudo()
        base_domain = self._dialog_conversation_domain()
        sortings = self._dialog_searchbar_sortings()
        filters = self._dialog_searchbar_filters()
        inputs = self._dialog_searchbar_inputs()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        search_in = search_in if search_in in inputs else "all"
        domain = expression.AND(
            [
                base_domain,
                filters[filterby]["domain"],
                self._dialog_search_domain(search_in, search),
            ]
        )
        pager = portal_pager(
            url="/my/messages",
            url_args={
                "sortby": sortby,
                "filterby": filterby,
                "search_in": search_in,
                "search": search,
            },
            total=Message.search_count(domain),
            page=self._dialog_page_number(page),
            step=self._dialog_items_per_page,
        )
        messages = Message.search(
            domain,
            order=sortings[sortby]["order"],
            limit=self._dialog_items_per_page,
            offset=pager["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "messages": messages,
                "page_name": "dialog_messages",
                "default_url": "/my/messages",
                "pager": pager,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
                "searchbar_inputs": inputs,
                "search_in": search_in,
                "search": search,
            }
        )
        return request.render("customer_dialog.portal_my_dialog_messages", values)

    @staticmethod
    def _dialog_page_number(page):
        """The page asked for, as the pager reads it: anything but ASCII
        digits is the first page, a number beyond the last page the last
        one (Odoo's pager fails on digits such as "²" and on numbers too long
        for Python's int conversion)."""
        if isinstance(page, int):
            return page
        if not (isinstance(page, str) and page.isascii() and page.isdigit()):
            return 1
        return int(page) if len(page) <= 9 else 10**9

    # ------------------------------------------------------------------
    # Detail, attachments, reply
    # ------------------------------------------------------------------

    def _dialog_message_page(self, message, error=None, reply_body=None, status=200):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "dialog_message": message,
                "replies": message._dialog_portal_replies(),
                "reference_url": message._dialog_reference_portal_url(request.env.user),
                "page_name": "dialog_message",
                "error": error,
                "reply_body": reply_body,
                "max_upload_mb": request.env["mail.message"]._dialog_reply_max_bytes()
                // (1024 * 1024),
                "max_text_chars": max_text_chars(request.env),
            }
        )
        return request.render(
            "customer_dialog.portal_my_dialog_message", values, status=status
        )

    @http.route(
        "/my/messages/<int:message_id>",
        type="http",
        auth="user",
        website=True,
        readonly=read_only,
    )
    def portal_my_dialog_message(self, message_id, **kw):
        message = self._dialog_get_message(message_id)
        conversation = message.dialog_reply_to_id
        if conversation and conversation.filtered_domain(self._dialog_message_domain()):
            return request.redirect(
                f"/my/messages/{conversation.id}#message-{message.id}"
            )
        return self._dialog_message_page(message)

    @http.route(
        "/my/messages/<int:message_id>/attachment/<int:attachment_id>",
        type="http",
        auth="user",
        website=True,
        readonly=read_only,
    )
    def portal_my_dialog_message_attachment(self, message_id, attachment_id, **kw):
        message = self._dialog_get_message(message_id)
        attachment = message.attachment_ids.filtered(lambda a: a.id == attachment_id)
        if not attachment:
            raise request.not_found()
        return (
            request.env["ir.binary"]
            ._get_stream_from(attachment)
            .get_response(as_attachment=True)
        )

    @http.route(
        "/my/messages/<int:message_id>/reply",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_dialog_message_reply(self, message_id, body="", **kw):
        message = self._dialog_get_message(message_id)
        files = [
            f for f in request.httprequest.files.getlist("attachments") if f.filename
        ]
        uploads = [(printable(f.filename), f.read(), f.mimetype) for f in files]
        try:
            body = check_text(request.env, body or "", request.env._("reply"))
            check_text_size(request.env, body)
            reply = message._dialog_portal_reply(
                request.env.user.partner_id,
                Markup(plaintext2html(body)) if body.strip() else "",
                uploads,
            )
        except DialogAttachmentTooLarge as error:
            return self._dialog_message_page(
                message, error=str(error), reply_body=self._kept(body), status=413
            )
        except (UserError, ValidationError) as error:
            return self._dialog_message_page(
                message, error=str(error), reply_body=self._kept(body), status=400
            )
        request.session["dialog_primary_until"] = time.time() + READ_YOUR_WRITES
        return request.redirect(f"/my/messages/{message.id}#message-{reply.id}")

    def _dialog_reply_too_large(self, message_id):
        """The answer to a reply larger than the largest form Odoo reads (10
        MB; it refuses it before any route runs): the message's page with
        the module's limit, not a bare 413 (ir.http._handle_error)."""
        message = self._dialog_get_message(message_id)
        limit = max_text_chars(request.env)
        error = request.env._(
            "The text is too long: at most %(max)s characters.", max=limit
        )
        response = self._dialog_message_page(message, error=error, status=413)
        response.flatten()  # an error's response is sent as it is
        return response

    @staticmethod
    def _kept(body):
        """A refused reply's text, shown back to be corrected: what a page
        can hold, up to the size limit (a 20 MB text is not sent back)."""
        return printable(body)[: max_text_chars(request.env)]

    # ------------------------------------------------------------------
    # The customer's own file (Art. 15 GDPR)
    # ------------------------------------------------------------------

    @http.route(
        "/my/messages/export",
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
        readonly=read_only,
    )
    def portal_my_dialog_export(self, **kw):
        """The visitor's customer file: the published messages of their own
        customer, nobody else's (the route takes no id). A PDF, or the same
        document as HTML where no PDF converter is installed. A big file is
        prepared in the background instead: this page offers it."""
        visitor = request.env.user.partner_id
        customer = visitor.commercial_partner_id
        Message = request.env["mail.message"].sudo()
        count = Message.search_count(Message._dialog_portal_domain(visitor))
        if count > background_from(request.env):
            return request.render(
                "customer_dialog.portal_my_dialog_export_prepare",
                {
                    "page_name": "dialog_export",
                    "count": count,
                    "job": self._dialog_export_jobs()[:1],
                },
            )
        # sudo: the report reads the messages; PORTAL_EXPORT restricts them to
        # what this visitor may see in the portal
        Report = (
            request.env["ir.actions.report"]
            .sudo()
            .with_context(customer_dialog_export=PORTAL_EXPORT)
        )
        report_ref = "customer_dialog.action_report_customer_file"
        if Report.get_wkhtmltopdf_state() in ("ok", "upgrade"):
            content, report_type = Report._render_qweb_pdf(report_ref, customer.ids)
        else:
            content, report_type = Report._render_qweb_html(report_ref, customer.ids)
        filename = request.env._("Customer file %(name)s", name=customer.name)
        if report_type == "pdf":
            headers = [
                ("Content-Type", "application/pdf"),
                ("Content-Disposition", content_disposition(f"{filename}.pdf")),
            ]
        else:
            headers = [
                ("Content-Type", "text/html; charset=utf-8"),
                (
                    "Content-Disposition",
                    content_disposition(f"{filename}.html", disposition_type="inline"),
                ),
            ]
        return request.make_response(content, headers=headers)

    @http.route(
        "/my/messages/export/prepare",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_dialog_export_prepare(self, **kw):
        """Start preparing the visitor's big file (one at a time); the
        email with the link follows."""
        customer = request.env.user.partner_id.commercial_partner_id
        request.env["customer_dialog.export"]._dialog_request(customer, portal=True)
        request.session["dialog_primary_until"] = time.time() + READ_YOUR_WRITES
        return request.redirect("/my/messages/export")

    @http.route(
        "/my/messages/export/<int:job_id>",
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
        readonly=read_only,
    )
    def portal_my_dialog_export_download(self, job_id, **kw):
        """A prepared file: the visitor's own, ready ones only; any other id
        is a 404."""
        job = self._dialog_export_jobs().filtered(
            lambda j: j.id == job_id and j.state == "done"
        )
        if not job.attachment_id:
            raise request.not_found()
        return (
            request.env["ir.binary"]
            ._get_stream_from(job.attachment_id)
            .get_response(as_attachment=True)
        )

    def _dialog_export_jobs(self):
        """The visitor's own prepared files of their present customer (sudo),
        newest first: a contact moved to another company no longer gets the
        former one's file."""
        customer = request.env.user.partner_id.commercial_partner_id
        return (
            request.env["customer_dialog.export"]
            .sudo()
            .search(
                [
                    ("user_id", "=", request.env.uid),
                    ("partner_id", "=", customer.id),
                    ("portal", "=", True),
                ]
            )
        )

    @http.route(
        "/my/messages/export.json",
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
        readonly=read_only,
    )
    def portal_my_dialog_export_json(self, **kw):
        """The same file, machine-readable (Art. 20 GDPR, data portability):
        the content of the PDF as JSON, of the visitor's own customer only
        (the route takes no id)."""
        visitor = request.env.user.partner_id
        # written one message at a time into a file that spills to disk: a
        # customer with 100,000 messages costs the memory of one batch
        stream = tempfile.SpooledTemporaryFile(max_size=EXPORT_SPOOL_BYTES)
        visitor._dialog_portal_file(stream)
        size = stream.tell()
        stream.seek(0)
        filename = request.env._(
            "Customer file %(name)s", name=visitor.commercial_partner_id.name
        )
        return request.make_response(
            wrap_file(request.httprequest.environ, stream),
            headers=[
                ("Content-Type", "application/json; charset=utf-8"),
                ("Content-Disposition", content_disposition(f"{filename}.json")),
                ("Content-Length", str(size)),
            ],
        )

    @http.route(
        "/my/messages/privacy",
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
        readonly=read_only,
    )
    def portal_my_dialog_privacy(self, **kw):
        """What the company stores of the customer's communication, and how
        to get it or have it erased."""
        return request.render(
            "customer_dialog.portal_my_dialog_privacy",
            {"page_name": "dialog_privacy", "company": request.env.company.sudo()},
        )
