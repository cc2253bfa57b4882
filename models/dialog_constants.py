"""Selections and helpers shared by the dialog models and the composer."""

from odoo.exceptions import ValidationError

# Context marker that lets dialog_post create a dialog message with read access
# on the reference object. It is a Python object, so no RPC caller can forge it.
DIALOG_POST = object()
# Fields of a dialog message that only employees read (the responsible, the
# follow-up, the delivery's internals, the links of to-dos and log lines):
# the one field rule for share users. A customer, with or without a token,
# gets an AccessError when asking for them (``read``, a search domain, a
# group by), and ``search_read`` without field names leaves them out.
EMPLOYEES_ONLY = "base.group_user"
# Context marker (under RENDERING_KEY) of the system rendering a delivery
# template, whose compiled code may then be kept (ir.qweb._compile).
DIALOG_RENDERING = object()
RENDERING_KEY = "customer_dialog_cached_rendering"


def is_system_rendering(env):
    """Whether ``env`` is the system rendering a delivery template."""
    return env.su and env.context.get(RENDERING_KEY) is DIALOG_RENDERING


class DialogGateway:
    """Context marker (``customer_dialog_gateway``) of the real mail gateway
    routing an incoming email: set by ``message_process`` only for the
    system (fetchmail's cron), an administrator or a member of *Customer
    Dialog / Mail gateway* (the user of odoo-mailgate), never for another
    caller of that public method. ``answered`` is the dialog message whose
    delivery email the email names in In-Reply-To or References (looked up
    as the system: a gateway user's own search hides delivery emails). A
    Python object, so no RPC caller can forge it."""

    __slots__ = ("answered",)

    def __init__(self, answered=None):
        self.answered = answered

    @classmethod
    def of(cls, env):
        """The gateway marker that ``env``'s context carries, else None."""
        marker = env.context.get("customer_dialog_gateway")
        return marker if isinstance(marker, cls) else None


class DialogDelivery:
    """Context marker (``customer_dialog_delivery``) of the email that
    delivers a dialog message, set by dialog_post and the resend dialog: the
    dialog message's id and whether the email is a notice. A Python object,
    so no RPC caller can forge it."""

    __slots__ = ("message_id", "notice")

    def __init__(self, message_id, notice):
        self.message_id = message_id
        self.notice = notice

    @classmethod
    def of(cls, env):
        """The delivery that ``env``'s context carries, else None."""
        marker = env.context.get("customer_dialog_delivery")
        return marker if isinstance(marker, cls) else None


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
DELIVERY_STATES = [
    ("none", "Not sent"),
    ("pending", "Pending"),
    ("sent", "Sent"),
    ("failed", "Failed"),
]


def check_selection_values(records, vals, field_names):
    """Refuse unknown selection values with a readable ValidationError; the
    ORM itself would only raise a technical ValueError."""
    for field_name in field_names:
        value = vals.get(field_name)
        if not value:
            continue
        field = records._fields[field_name]
        allowed = [key for key, _label in field._description_selection(records.env)]
        if value not in allowed:
            raise ValidationError(
                records.env._(
                    "“%(value)s” is not a valid value for %(field)s. "
                    "Allowed values: %(allowed)s.",
                    value=value,
                    field=field._description_string(records.env),
                    allowed=", ".join(allowed),
                )
            )
