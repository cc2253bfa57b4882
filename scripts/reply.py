"""The customer answers an email of `make run` by email: ``make reply N=3
TEXT="…"`` builds the answer to email number N of the SMTP sink (as `make
mails` lists them) as real MIME (From the recipient, To its Reply-To,
In-Reply-To and References its Message-Id) and feeds it through Odoo's mail
gateway, as fetchmail or odoo-mailgate would. Run by scripts/reply.sh in
``odoo-bin shell``; prints where the answer was filed."""

import os
import sys
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

sys.path.insert(0, str(Path(os.environ["REPO_ROOT"]) / "scripts"))
import mails


def answer(original, text):
    """The customer's answer to ``original`` (an email.message.Message)."""
    reply = EmailMessage()
    customer = mails.recipient(original)
    name, address = parseaddr(str(original.get("To") or customer))
    reply["From"] = f'"{name}" <{address}>' if name else address
    reply["To"] = str(original.get("Reply-To") or original.get("From"))
    subject = str(original.get("Subject") or "")
    reply["Subject"] = (
        subject if subject.lower().startswith("aw:") else f"AW: {subject}"
    )
    reply["Date"] = formatdate(localtime=True)
    reply["Message-Id"] = make_msgid(domain=address.rpartition("@")[2] or "example.com")
    message_id = str(original.get("Message-Id") or "")
    reply["In-Reply-To"] = message_id
    reply["References"] = " ".join(
        part for part in (str(original.get("References") or ""), message_id) if part
    )
    reply.set_content(text)
    return reply


def main(env):
    directory, which, text = (
        os.environ["MAIL_DIR"],
        os.environ["REPLY_TO_MAIL"],
        os.environ.get("REPLY_TEXT") or "Vielen Dank, das passt so.",
    )
    _path, original = mails.pick(directory, which)
    raw = answer(original, text).as_bytes()
    # as the mail gateway (the system, as fetchmail's cron runs)
    thread_id = env["mail.thread"].sudo().message_process(False, raw)
    env.cr.commit()
    Message = env["mail.message"].sudo()
    filed = Message.search([("message_id", "=", answer_id(raw))], limit=1)
    if not filed:
        print(
            f"make reply: Odoo routed the answer to {thread_id}, but filed no message."
        )
        return
    print(f"make reply: filed on {filed.model} {filed.res_id} ({filed.record_name})")
    if filed.dialog_visibility:
        conversation = filed.dialog_reply_to_id
        print(
            f"  dialog message {filed.id}: {filed.dialog_channel}, "
            f"{filed.dialog_direction}, for the customer {filed.dialog_partner_id.name}"
        )
        print(
            "  in the conversation: "
            + (
                f"{conversation.id} “{conversation.subject or ''}”"
                if conversation
                else "none"
            )
        )
        activity = filed.dialog_activity_id
        if activity:
            print(f"  to-do for {activity.user_id.name}: {activity.summary}")


def answer_id(raw):
    from email import message_from_bytes

    return message_from_bytes(raw)["Message-Id"]


if "env" in globals():  # run by odoo-bin shell
    main(env)  # noqa: F821
