"""Conversion of untrusted input (RPC arguments, portal forms) into the values
a dialog message stores: every wrong type or value is a ValidationError that
says what is wrong, never a TypeError, a database error or a silent change."""

import datetime
import re

from markupsafe import Markup

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tools import html2plaintext, is_html_empty, plaintext2html

from .dialog_constants import PASTED_IMAGE

HTML_TAG = re.compile(r"<[a-zA-Z][^>]*>")
# PostgreSQL integer ids
MAX_ID = 2**31 - 1
MAX_SUBJECT_LENGTH = 1000
# A logged interaction may be dated slightly ahead (clock skew), never later.
FUTURE_TOLERANCE = datetime.timedelta(hours=1)
FIRST_DATE = datetime.date(1900, 1, 1)
FOLLOW_UP_YEARS = 20


class NotOneRecord(UserError, ValueError):
    """ensure_one's error as a user's error: a method called over RPC on no
    or several records answers clearly instead of logging a traceback; still
    a ValueError for code that catches Odoo's."""


def ensure_one(records):
    """``records`` if it holds exactly one record, else NotOneRecord."""
    if len(records) != 1:
        raise NotOneRecord(
            records.env._(
                "This is done on exactly one record; %(count)s were given.",
                count=len(records),
            )
        )
    return records


# Control characters other than tab and line breaks, and the Unicode controls
# that reverse or embed the direction of what follows (a subject that reads
# "fdp.exe" as "exe.pdf", "Trojan Source"): no text a person writes holds
# them, and a page, an email header or a PDF shows them as something else.
CONTROL_CHARACTERS = re.compile(
    "[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)


def check_text(env, value, label):
    """A str that PostgreSQL can store unchanged and that shows as written:
    no NUL, no lone surrogate, no control character (CONTROL_CHARACTERS)."""
    if not isinstance(value, str):
        raise ValidationError(env._("The %(label)s must be a text.", label=label))
    if "\x00" in value:
        raise ValidationError(
            env._("The %(label)s contains a NUL character.", label=label)
        )
    control = CONTROL_CHARACTERS.search(value)
    if control:
        code = format(ord(control.group()), "04X")
        raise ValidationError(
            env._(
                "The %(label)s contains a control character (U+%(code)s), "
                "which no text shows as written.",
                label=label,
                code=code,
            )
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValidationError(
            env._("The %(label)s contains characters that are not text.", label=label)
        ) from error
    return value


# The longest text of a dialog message, a portal reply or a customer's post
# in a document's chatter, in characters (system parameter
# customer_dialog.max_text_chars): some forty pages. A larger text is
# refused, not stored, mailed and exported again with every customer file.
MAX_TEXT_PARAM = "customer_dialog.max_text_chars"
MAX_TEXT_CHARS = 100_000


def positive_param(env, name, default):
    """The system parameter ``name`` when it is a positive number (up to a
    billion), else ``default``: a mistyped setting never breaks a call."""
    # sudo: ir.config_parameter - one technical setting, no data
    value = env["ir.config_parameter"].sudo().get_param(name, "")
    value = str(value).strip()
    if value.isascii() and value.isdigit() and 0 < int(value) <= 10**9:
        return int(value)
    return default


def max_text_chars(env):
    """The limit in force: the system parameter, else MAX_TEXT_CHARS."""
    return positive_param(env, MAX_TEXT_PARAM, MAX_TEXT_CHARS)


def check_text_size(env, text):
    """``text`` (as given or stored: HTML counts its tags) if it is within
    the limit; the refusal names the limit. Images pasted into it do not
    count: they become files, which keep their own limit."""
    limit = max_text_chars(env)
    size = len(text or "")
    if size > limit and "data:image" in text:
        size = len(PASTED_IMAGE.sub("", text))
    if size > limit:
        raise ValidationError(
            env._(
                "The text is too long: at most %(max)s characters, this one has "
                "%(count)s.",
                max=limit,
                count=size,
            )
        )
    return text


def printable(value):
    """``value`` with what no page or database can hold taken out, to show
    a refused input back to its author."""
    if not isinstance(value, str):
        return ""
    return value.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")


# Line breaks and other control characters, which in an email header start a
# new header ("Karl\r\nBcc: x@y" as a name adds a Bcc).
HEADER_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def one_header_line(value):
    """``value`` (a name, an address, a subject) as one header line: each
    run of line breaks and control characters becomes a space. Anything
    that is no text is returned as it is."""
    if not isinstance(value, str) or not HEADER_BREAKS.search(value):
        return value
    return HEADER_BREAKS.sub(" ", value)


def to_subject(env, value):
    """None and False (what XML-RPC sends for "nothing") mean no subject; a
    subject is one line (as it is in an email's header)."""
    if value is None or value is False:
        return False
    subject = " ".join(check_text(env, value, env._("subject")).split())
    if len(subject) > MAX_SUBJECT_LENGTH:
        raise ValidationError(
            env._(
                "The subject is too long: at most %(max)s characters.",
                max=MAX_SUBJECT_LENGTH,
            )
        )
    return subject or False


class SanitizedHtml(Markup):
    """A body as mail.message stores it, sanitised by to_body: the message
    is created with it in a DialogSanitized marker, and stored as it is
    instead of being sanitised twice more (see mail.message's MessageBody).
    A Python type, which no RPC or HTTP caller can send."""

    __slots__ = ()


def to_body(env, value):
    """The body as it will be stored: plain text becomes HTML, HTML is
    sanitised exactly as mail.message stores it (once: the result is stored
    as it is), and what is left must still say something. Its size is
    checked before the sanitiser reads it."""
    check_text_size(env, check_text(env, value, env._("message")))
    if not isinstance(value, Markup):
        value = Markup(value) if HTML_TAG.search(value) else plaintext2html(value)
    body_field = env["mail.message"]._fields["body"]
    body = body_field.convert_to_cache(value, env["mail.message"])
    if not body or is_html_empty(body) or not html2plaintext(body).strip():
        raise ValidationError(
            env._("The message is empty: please write what was said or done.")
        )
    # what entities (&#x202e;) turned into characters is checked as well
    check_text(env, str(body), env._("message"))
    return SanitizedHtml(body)


def to_id(env, value, label):
    """A record id given by RPC: a positive int within PostgreSQL's range;
    None, False and 0 mean none."""
    if value is None or value is False or value == 0:
        return False
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(
            env._("The %(label)s must be given by its id.", label=label)
        )
    if not 0 < value <= MAX_ID:
        raise ValidationError(
            env._("Unknown %(label)s: %(id)s.", label=label, id=value)
        )
    return value


def to_record(env, model, value, label):
    """The existing record of ``model`` with id ``value`` that the current
    user may read and that is not archived, or an empty recordset for none:
    the one check of every record a dialog message points to."""
    record_id = to_id(env, value, label)
    if not record_id:
        return env[model]
    record = env[model].browse(record_id).exists()
    if not record or not record.has_access("read"):
        raise ValidationError(
            env._("Unknown %(label)s: %(id)s.", label=label, id=record_id)
        )
    if "active" in record._fields and not record.active:
        raise ValidationError(
            env._(
                "The %(label)s %(name)s is archived.",
                label=label,
                name=record.display_name,
            )
        )
    return record


def to_responsible(env, value):
    """The responsible of a dialog message: an active employee, or none."""
    user = to_record(env, "res.users", value, env._("responsible"))
    if user and not user._is_internal():
        raise ValidationError(
            env._(
                "%(user)s is not an active employee and cannot be responsible.",
                user=user.name,
            )
        )
    return user


def to_count(env, value, label):
    """A number of things given by RPC: an int from 0 within PostgreSQL's
    range."""
    if (
        not isinstance(value, int)
        or isinstance(value, bool)
        or not 0 <= value <= MAX_ID
    ):
        raise ValidationError(
            env._("The %(label)s must be a whole number from 0.", label=label)
        )
    return value


MAX_IDEMPOTENCY_KEY = 255


def to_idempotency_key(env, value):
    """An idempotency key: a text of 1 to 255 characters (a UUID, an order
    number and a line, ...)."""
    if isinstance(value, str):
        key = check_text(env, value, env._("idempotency key")).strip()
        if 0 < len(key) <= MAX_IDEMPOTENCY_KEY:
            return key
    raise ValidationError(
        env._(
            "The idempotency key must be a text of 1 to %(max)s characters.",
            max=MAX_IDEMPOTENCY_KEY,
        )
    )


def is_request_id(value):
    """Whether a request parameter (text from a URL, or a number) names a
    record id PostgreSQL can read."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value) if len(value) <= len(str(MAX_ID)) else 0
    return (
        isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID
    )


def to_ids(env, values, label):
    if not values:
        return []
    if not isinstance(values, list | tuple):
        raise ValidationError(
            env._("The %(label)s must be given as a list of ids.", label=label)
        )
    return [to_id(env, value, label) or 0 for value in values]


def to_choice(env, value, selection, label):
    """``value`` if it is one of the keys of ``selection``: the one check of
    a selection and its one wording (dialog_post's arguments and every
    selection field written, see check_selection_values)."""
    allowed = [key for key, _label in selection]
    if not isinstance(value, str) or value not in allowed:
        raise ValidationError(
            env._(
                "“%(value)s” is not a valid value for %(field)s. "
                "Allowed values: %(allowed)s.",
                value=printable(value) if isinstance(value, str) else repr(value),
                field=label,
                allowed=", ".join(allowed),
            )
        )
    return value


def check_selection_values(records, vals, field_names):
    """Refuse unknown values of selection fields with a readable
    ValidationError (the ORM itself would only raise a technical ValueError)."""
    for field_name in field_names:
        if vals.get(field_name):
            field = records._fields[field_name]
            to_choice(
                records.env,
                vals[field_name],
                field._description_selection(records.env),
                field._description_string(records.env),
            )


def to_flag(env, value, label):
    if value is not None and not isinstance(value, bool):
        raise ValidationError(
            env._("%(label)s must be true, false or empty.", label=label)
        )
    return value


def _parse(env, value, convert, label):
    if not isinstance(value, str | datetime.date):
        raise ValidationError(
            env._("The %(label)s must be a date as text (YYYY-MM-DD).", label=label)
        )
    try:
        return convert(value)
    except (ValueError, TypeError, OverflowError) as error:
        raise ValidationError(
            env._("Invalid %(label)s: %(value)s.", label=label, value=value)
        ) from error


def _empty(value):
    """None, False and an empty text (what an XML-RPC client sends for an
    empty field) mean "not given"."""
    return (
        value is None
        or value is False
        or (isinstance(value, str) and not value.strip())
    )


def to_day(value):
    """A date from its text: the whole text, not its first ten characters as
    Odoo reads it (which takes "2030-01-01 25:00:00" for a date)."""
    if isinstance(value, str) and len(value.strip()) != len("YYYY-MM-DD"):
        raise ValueError(value)
    return fields.Date.to_date(value.strip() if isinstance(value, str) else value)


def to_follow_up_date(env, value):
    if _empty(value):
        return False
    follow_up = _parse(env, value, to_day, env._("follow-up date"))
    today = fields.Date.context_today(env["res.partner"])
    if not FIRST_DATE <= follow_up <= today.replace(year=today.year + FOLLOW_UP_YEARS):
        raise ValidationError(
            env._(
                "The follow-up date %(date)s is out of range.",
                date=fields.Date.to_string(follow_up),
            )
        )
    return follow_up


def to_interaction_date(env, value, required=False):
    """When the call, visit, ... took place: now by default (unless
    ``required``: a stored message keeps a date), never later."""
    if _empty(value):
        if required:
            raise ValidationError(env._("A dialog message needs its date."))
        return fields.Datetime.now()
    date = _parse(env, value, fields.Datetime.to_datetime, env._("interaction date"))
    if date.date() < FIRST_DATE:
        raise ValidationError(env._("The interaction date is out of range."))
    if date > fields.Datetime.now() + FUTURE_TOLERANCE:
        raise ValidationError(
            env._(
                "The interaction date %(date)s is in the future: a dialog message "
                "records what already happened.",
                date=fields.Datetime.to_string(date),
            )
        )
    return date
