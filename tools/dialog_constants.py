"""Selections, patterns and context markers shared by the dialog models,
the wizards and the controllers."""

import re

# Fields of a dialog message that only employees read (the responsible, the
# follow-up, the delivery's internals, the links of to-dos and log lines):
# the one field rule for share users. A customer, with or without a token,
# gets an AccessError when asking for them (``read``, a search domain, a
# group by), and ``search_read`` without field names leaves them out.
EMPLOYEES_ONLY = "base.group_user"
# Who reads a restricted message (models/readers/). Here, not there: a model
# file imported from another folder would define its class before its turn
# (models/__init__.py orders the overrides of mail.message).
READER_FIELDS = ("dialog_reader_user_ids", "dialog_reader_group_ids")
# Attachments uploaded in a composer that still belong to nobody.
COMPOSER_MODELS = ("customer_dialog.composer", "mail.compose.message")
# The data of an image pasted into a text, in base64.
PASTED_IMAGE = re.compile(r"data:image/[\w.+-]+;base64,([A-Za-z0-9+/=]+)")
# A file shown in a text: /web/image/42, /web/image/42-1a2b3c4d/photo.png ...
# (the id, then the URL's query if it has one)
IMAGE_LINK = re.compile(r"(/web/(?:image|content)/(\d+)[^\"'?\s<>]*)(\?[^\"'\s<>]*)?")


# ----------------------------------------------------------------------
# Context markers: the one way to set and read them
# ----------------------------------------------------------------------


class ContextMarker:
    """A value in the context that only the module's Python code can set: an
    instance of a class, which no RPC caller can send (JSON has none), so a
    caller's context can neither forge it nor carry it into a path that it
    opens. Set with ``records.with_context(**marker.context())``, read with
    ``Marker.of(env)`` (the marker, else None)."""

    __slots__ = ()
    key = None

    @classmethod
    def of(cls, env):
        marker = env.context.get(cls.key)
        return marker if isinstance(marker, cls) else None

    def context(self):
        return {self.key: self}


class DialogPost(ContextMarker):
    """dialog_post, a portal reply or the mail gateway creates a dialog
    message (with read access on the reference object)."""

    __slots__ = ()
    key = "customer_dialog_post"


class DialogSanitized(ContextMarker):
    """The body of the dialog message being created, as dialog_input.to_body
    sanitised it: mail.message's body field stores exactly this text as it
    is instead of sanitising it twice more (see MessageBody); any other
    text is sanitised as always."""

    __slots__ = ("body",)
    key = "customer_dialog_sanitized"

    def __init__(self, body):
        self.body = body


class DialogSendAfterCommit(ContextMarker):
    """Emails sent right after the commit that created them, in a new
    transaction: they are claimed first (mail.mail._send)."""

    __slots__ = ()
    key = "customer_dialog_send_after_commit"


class DialogRendering(ContextMarker):
    """The system renders a delivery template: its compiled code may be kept
    (ir.qweb._compile)."""

    __slots__ = ()
    key = "customer_dialog_cached_rendering"

    @classmethod
    def of(cls, env):
        return super().of(env) if env.su else None


class DialogGateway(ContextMarker):
    """The real mail gateway routes an incoming email: set by
    ``message_process`` only for the system (fetchmail's cron), an
    administrator or a member of *Customer Dialog / Mail gateway* (the user
    of odoo-mailgate), never for another caller of that public method.
    ``answered`` is the dialog message whose delivery email the email names
    in In-Reply-To or References (looked up as the system: a gateway user's
    own search hides delivery emails)."""

    __slots__ = ("answered",)
    key = "customer_dialog_gateway"

    def __init__(self, answered=None):
        self.answered = answered


class DialogCustomerChatter(ContextMarker):
    """A customer (or a token holder) uses a document's portal chatter: its
    list shows the dialog messages published for them, and their post is
    filed as an incoming dialog message."""

    __slots__ = ()
    key = "customer_dialog_portal_chatter"


class DialogFileAccess(ContextMarker):
    """A Customer Dialog manager exports or erases a customer file (Art. 15
    and 17 GDPR): the data subject has a right to the restricted messages
    too, so the reader rule does not narrow what is read."""

    __slots__ = ()
    key = "customer_dialog_file_access"


class DialogReadFor(ContextMarker):
    """Odoo reads the fields of messages in sudo (mail.message.fetch): the
    reader rule still holds for ``user``, the one who asked."""

    __slots__ = ("user",)
    key = "customer_dialog_read_for"

    def __init__(self, user):
        self.user = user


class DialogQuietLog(ContextMarker):
    """The log line of a restricted message's done to-do is posted: it
    notifies nobody (followers of the document may not read it)."""

    __slots__ = ()
    key = "customer_dialog_quiet_log"


class DialogDelivery(ContextMarker):
    """The email that delivers a dialog message is being sent (by dialog_post
    or the resend dialog): the dialog message's id and whether the email is
    a notice."""

    __slots__ = ("message_id", "notice")
    key = "customer_dialog_delivery"

    def __init__(self, message_id, notice):
        self.message_id = message_id
        self.notice = notice


# Notification states of an email that did not arrive, as the mail server
# answered (canceled is a decision inside Odoo: an erasure or a discarded
# failure); a resend sends these again.
DELIVERY_FAILURES = ("exception", "bounce")

VISIBILITIES = [
    ("internal", "Internal"),
    ("customer", "For the customer"),
]
CHANNELS = [
    ("phone", "Phone call"),
    ("email", "Email"),
    ("letter", "Letter"),
    ("visit", "Visit"),
    ("portal", "Portal"),
    ("other", "Other"),
]
DIRECTIONS = [
    ("incoming", "Incoming"),
    ("outgoing", "Outgoing"),
]
DELIVERIES = [
    ("none", "Not sent"),
    ("content", "Full content by email"),
    ("notice", "Notice by email"),
]
# What the delivery rules decided, stored as a code and shown as a sentence
# in the reader's language (mail.message._dialog_decision_sentence).
DECISIONS = [
    ("internal", "Internal"),
    ("no_email", "No valid email address: kept internal"),
    ("content_no_portal", "Content emailed (no portal access yet)"),
    ("content", "Content emailed"),
    ("notice", "Notice emailed"),
    ("portal_reply", "Reply from the portal"),
    ("received_email", "Received by email"),
]
# The email each decision sends: what dialog_delivery stores, derived.
DELIVERY_OF_DECISION = {
    "internal": "none",
    "no_email": "none",
    "content_no_portal": "content",
    "content": "content",
    "notice": "notice",
    "portal_reply": "none",
    "received_email": "none",
}
# The role of a further recipient of a customer message (the To recipient
# is its contact person, else the customer).
RECIPIENT_ROLES = [
    ("cc", "CC"),
    ("bcc", "BCC"),
    ("none", "Listed, not sent"),
]
DELIVERY_STATES = [
    ("none", "Not sent"),
    ("pending", "Pending"),
    ("sent", "Sent"),
    ("failed", "Failed"),
]
