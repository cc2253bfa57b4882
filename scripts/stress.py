"""The load test behind `make stress` (scripts/stress.sh starts Odoo and the SMTP
sink, then runs this).

Usage: stress.py URLS DB SINK_DIR SMTP_PORT

URLS: one Odoo node, or several separated by commas (make stress CLUSTER=1:
two nodes on a PostgreSQL primary that read on a hot standby, whose port is
STRESS_STANDBY_PORT). Calls are spread over the nodes. Over XML-RPC and the
portal's HTTP on loopback it
1. sets up the database: the SMTP sink as outgoing mail server, an employee,
   customers (companies with and without email, contacts);
2. fires STRESS_N concurrent `dialog_post` calls from STRESS_THREADS threads
   (internal and customer messages mixed, most of them on a few "hot"
   customers), each body carrying a unique token;
3. fires the same number of plain `message_post` calls on the same customers
   at the same concurrency (customer messages to the customer with
   partner_ids, internal ones as notes);
4. lets the mail queue drain, then checks that every successful call is
   stored exactly once and a failed one not at all, that every delivered
   customer message reached the sink exactly once at its address, that no
   internal message reached it, and that nothing is left pending;
5. prints posts/s of both side by side;
6. then a mixed load: STRESS_PORTAL_N portal visits (list, then a message;
   every REPLY_EVERY-th visit a reply and the page it lands on, on the
   other node) while as many `dialog_post` calls run; checks every reply
   stored once and shown on the page right after it (read-your-writes
   across the standby's lag) and, on a cluster, that at least 90 % of the
   portal's page reads ran on the standby (Odoo's request log: "ro");
7. prints p50/p95 latencies per kind of call;
8. reads Odoo's logs (STRESS_LOGS, separated by colons): any ERROR,
   CRITICAL or Traceback line fails the run.

Exits 1 when a check fails.
"""

import email
import itertools
import json
import os
import re
import statistics
import sys
import threading
import time
import urllib.request
import uuid
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor
from email import policy
from pathlib import Path

from stress_portal import create_portal_users, visit_all

URLS = sys.argv[1].split(",")
URL = URLS[0]
DB, SINK_DIR, SMTP_PORT = sys.argv[2], Path(sys.argv[3]), sys.argv[4]
STANDBY_PORT = os.environ.get("STRESS_STANDBY_PORT")
LOGS = [Path(p) for p in os.environ.get("STRESS_LOGS", "").split(":") if p]
N = int(os.environ.get("STRESS_N", "400"))
PORTAL_N = int(os.environ.get("STRESS_PORTAL_N", "240"))
REPLY_EVERY = 6
THREADS = int(os.environ.get("STRESS_THREADS", "8"))
DRAIN_TIMEOUT = int(os.environ.get("STRESS_DRAIN_TIMEOUT", "90"))
CUSTOMERS = 20  # the first HOT ones get most of the traffic
HOT = 3
RUN = uuid.uuid4().hex[:8]
EMPLOYEE = ("stress.employee", "stress-employee-pw")
# what a client may see when Odoo gave up retrying a conflicting transaction
CONCURRENCY_RE = re.compile(r"serializ|concurrent update|could not obtain lock", re.I)
# customers without followers: a plain message_post then emails exactly the
# partner_ids it is given, as dialog_post does; and its author does not follow
# the customer, as with dialog_post (eight threads subscribing the same author
# at once fail on Odoo's unique constraint of followers, a race of Odoo's own)
QUIET = {"mail_create_nosubscribe": True}
TOKEN_RE = re.compile(r"(?:dlg|plain|mix|reply|storm)-[0-9a-f]{8}-\d{5}")
# the first call of every other retried post is given up after this long
ABORT_AFTER = 0.05
PORTAL_PASSWORD = "stress-portal-pw"
# Odoo log lines that fail the run: errors, and tracebacks at any level
LOG_PROBLEM_RE = re.compile(r" (ERROR|CRITICAL) |^Traceback", re.M)
LATENCIES = {}  # kind of call: [seconds]
LATENCY_LOCK = threading.Lock()
NODES = itertools.count()


def timed(kind, func, *args, **kwargs):
    start = time.monotonic()
    try:
        return func(*args, **kwargs)
    finally:
        with LATENCY_LOCK:
            LATENCIES.setdefault(kind, []).append(time.monotonic() - start)


def proxy(endpoint, url=URL):
    return xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/{endpoint}", allow_none=True)


class Client:
    """One XML-RPC connection as one user (ServerProxy is not thread-safe),
    to one node: each new client to the next node."""

    def __init__(self, login, password, url=None):
        self.url = url or URLS[next(NODES) % len(URLS)]
        self.password = password
        self.uid = proxy("common", self.url).authenticate(DB, login, password, {})
        if not self.uid:
            raise SystemExit(f"cannot log in as {login}")
        self.models = proxy("object", self.url)

    def __call__(self, model, method, *args, **kwargs):
        return self.models.execute_kw(
            DB, self.uid, self.password, model, method, list(args), kwargs
        )

    def json(self, model, method, *args, timeout=300, **kwargs):
        """The same call over JSON-RPC: Odoo 18 cannot marshal the record
        that message_post returns into XML-RPC (JSON gets its repr)."""
        params = {
            "service": "object",
            "method": "execute_kw",
            "args": [DB, self.uid, self.password, model, method, list(args), kwargs],
        }
        payload = {"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}
        request = urllib.request.Request(
            f"{self.url}/jsonrpc",
            json.dumps(payload).encode(),
            {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.load(response)
        if "error" in answer:
            data = answer["error"].get("data", {})
            raise xmlrpc.client.Fault(1, data.get("message") or str(answer["error"]))
        return answer["result"]


def setup(admin):
    admin(
        "ir.mail_server",
        "create",
        {
            "name": "make stress: SMTP sink",
            "smtp_host": "127.0.0.1",
            "smtp_port": int(SMTP_PORT),
            "smtp_encryption": "none",
        },
    )
    groups = [
        admin("ir.model.data", "check_object_reference", module, name)[1]
        for module, name in (
            ("base", "group_user"),
            ("base", "group_partner_manager"),
            ("customer_dialog", "group_customer_dialog_user"),
        )
    ]
    admin(
        "res.users",
        "create",
        {
            "name": "Stress Employee",
            "login": EMPLOYEE[0],
            "password": EMPLOYEE[1],
            "email": "stress.employee@example.com",
            "groups_id": [(6, 0, groups)],
        },
    )
    customers = []
    for index in range(CUSTOMERS):
        # the last customer has no email: its customer messages stay internal
        has_email = index != CUSTOMERS - 1
        customer = admin(
            "res.partner",
            "create",
            {
                "name": f"Stress Customer {index:02d}",
                "is_company": True,
                "email": f"customer{index:02d}.{RUN}@example.com"
                if has_email
                else False,
            },
            context=QUIET,
        )
        contact = admin(
            "res.partner",
            "create",
            {
                "name": f"Stress Contact {index:02d}",
                "parent_id": customer,
                "email": f"contact{index:02d}.{RUN}@example.com",
            },
            context=QUIET,
        )
        customers.append((customer, contact))
    return customers


def plan(customers):
    """The N calls: (index, customer, contact or None, visibility)."""
    calls = []
    for index in range(N):
        # two thirds of the calls hit the HOT customers, concurrently
        pool = HOT if index % 3 else CUSTOMERS
        # (index // 2): customer and internal messages reach every customer,
        # the one without email address too
        customer, contact = customers[(index // 2 * 7) % pool]
        visibility = "customer" if index % 2 == 0 else "internal"
        with_contact = index % 5 == 0
        calls.append((index, customer, contact if with_contact else None, visibility))
    return calls


def fire(kind, calls):
    """Run the calls of one kind ("dlg" or "plain") on THREADS threads, each
    with its own connection; return {token: result} and the elapsed time."""
    local = {}

    def client():
        me = threading.get_ident()
        if me not in local:
            local[me] = Client(*EMPLOYEE)
        return local[me]

    def one(call):
        index, customer, contact, visibility = call
        token = f"{kind}-{RUN}-{index:05d}"
        body = f"<p>Stress {kind} message {token}</p>"
        rpc = client()
        try:
            if kind in ("dlg", "mix"):
                kwargs = {"visibility": visibility, "channel": "phone"}
                if contact:
                    kwargs["contact_id"] = contact
                message_id = timed(
                    "dialog_post",
                    rpc,
                    "res.partner",
                    "dialog_post",
                    [customer],
                    body,
                    **kwargs,
                )
            elif visibility == "customer":
                message_id = rpc.json(
                    "res.partner",
                    "message_post",
                    [customer],
                    body=body,
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    partner_ids=[contact or customer],
                    context=QUIET,
                )
            else:
                message_id = rpc.json(
                    "res.partner",
                    "message_post",
                    [customer],
                    body=body,
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                    context=QUIET,
                )
            if isinstance(message_id, str):  # "mail.message(42,)"
                message_id = int(re.search(r"\d+", message_id).group())
            return token, ("ok", message_id, call)
        except (xmlrpc.client.Fault, OSError, xmlrpc.client.ProtocolError) as error:
            text = getattr(error, "faultString", str(error)).strip().splitlines()
            return token, ("error", text[-1] if text else repr(error), call)

    # log in every thread's connection before the clock starts
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(lambda _: client(), range(THREADS * 4)))
        start = time.monotonic()
        results = dict(pool.map(one, calls))
        elapsed = time.monotonic() - start
    return results, elapsed


def sink_mails():
    """[(recipients, tokens and "id-<message id>" of portal links found)]
    of every stored email."""
    mails = []
    for path in sorted(SINK_DIR.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        recipients = {
            address.strip().lower()
            for address in message["X-Sink-Rcpt-To"].split(",")
            if address.strip()
        }
        texts = []
        for part in message.walk():
            if part.get_content_maintype() == "text":
                try:
                    texts.append(part.get_content())
                except (LookupError, ValueError):
                    texts.append(
                        part.get_payload(decode=True).decode("utf-8", "replace")
                    )
        text = "\n".join(texts)
        # a privacy notice carries the message's portal link, not its text
        links = {f"id-{i}" for i in re.findall(r"/my/messages/(\d+)", text)}
        mails.append((recipients, set(TOKEN_RE.findall(text)) | links))
    return mails


def stored(admin, kind):
    """{token: [message rows]} of the messages stored for one kind."""
    rows = admin(
        "mail.message",
        "search_read",
        [("model", "=", "res.partner"), ("body", "ilike", f"{kind}-{RUN}-")],
        fields=[
            "body",
            "dialog_visibility",
            "dialog_delivery",
            "dialog_delivery_state",
            "dialog_delivery_address",
        ],
    )
    found = {}
    for row in rows:
        for token in set(TOKEN_RE.findall(row["body"])):
            found.setdefault(token, []).append(row)
    return found


def drain(admin):
    """Wait until Odoo sent every queued email (workers send right after the
    commit; the queue's cron and one explicit run catch the rest)."""
    deadline = time.monotonic() + DRAIN_TIMEOUT
    kicked = False
    while True:
        outgoing = admin("mail.mail", "search_count", [("state", "=", "outgoing")])
        pending = admin(
            "mail.message", "search_count", [("dialog_delivery_state", "=", "pending")]
        )
        if not outgoing and not pending:
            return 0, 0
        if time.monotonic() > deadline:
            return outgoing, pending
        if not kicked and time.monotonic() > deadline - DRAIN_TIMEOUT + 10:
            print(f"  {outgoing} emails still queued: running the mail queue once")
            admin("mail.mail", "process_email_queue")
            kicked = True
        time.sleep(2)


def mixed_load(admin, customers, calls, results, timings):
    """Portal visits and replies on every node while as many dialog_post
    calls run ("mix"); returns the problems found."""
    logins = create_portal_users(
        admin,
        [contact for _customer, contact in customers[: HOT + 3]],
        RUN,
        PORTAL_PASSWORD,
    )
    with ThreadPoolExecutor(2) as pool:
        posting = pool.submit(fire, "mix", calls[: max(PORTAL_N, 1)])
        portal = pool.submit(
            visit_all,
            URLS,
            DB,
            logins,
            PORTAL_PASSWORD,
            PORTAL_N,
            max(THREADS // 2, 1),
            lambda index: f"reply-{RUN}-{index:05d}",
            timed,
            REPLY_EVERY,
        )
        results["mix"], timings["mix"] = posting.result()
        reads, replies, problems = portal.result()
    stored_replies = stored(admin, "reply")
    for token, message_id in replies.items():
        found = stored_replies.get(token, [])
        if isinstance(message_id, str):
            problems.append(f"{token}: the reply failed ({message_id})")
        elif len(found) != 1:
            problems.append(f"{token}: reply stored {len(found)} times")
    print(
        f"  portal: {PORTAL_N} visits, {reads} page reads, {len(replies)} replies "
        f"({len(stored_replies)} stored), each shown on the page right after it"
    )
    if STANDBY_PORT:
        modes = portal_read_modes()
        total = sum(modes.values())
        share = modes.get("ro", 0) / max(total, 1)
        print(
            f"  hot standby: {modes.get('ro', 0)} of {total} portal page reads ran "
            f"on it ({share:.0%}, target >= 90 %; Odoo's request log: "
            f"{dict(sorted(modes.items()))}); the {len(replies)} pages right "
            "after a reply were read on the primary (read-your-writes)"
        )
        if share < 0.9 or modes.get("ro->rw"):
            problems.append(
                f"only {share:.0%} of the portal reads on the standby, "
                f"{modes.get('ro->rw', 0)} reads wrote and ran again on the primary"
            )
    return problems


def portal_read_modes():
    """{cursor mode: count} of the portal's page reads (GET /my/messages...)
    in Odoo's request log: "ro" ran on the standby, "ro->rw" on the primary
    after all (it wrote, or the standby was unreachable), "rw" on the
    primary by design."""
    modes = {}
    for path in LOGS:
        for line in path.read_text(errors="replace").splitlines():
            if "werkzeug:" in line and '"GET /my/messages' in line:
                mode = line.rsplit(" ", 1)[-1]
                modes[mode] = modes.get(mode, 0) + 1
    return modes


def retry_storm(calls):
    """Every dialog_post sent twice with one idempotency key, as an
    integration retries; the first call of every other one is given up by
    the client after ABORT_AFTER seconds (the server goes on with it). Both
    answers must name the same message, stored and emailed once (checked
    with the other kinds)."""
    storm = calls[: max(N // 4, 1)]
    local = threading.local()
    problems = []

    def one(call):
        index, customer, contact, visibility = call
        token = f"storm-{RUN}-{index:05d}"
        if not hasattr(local, "rpc"):
            local.rpc = Client(*EMPLOYEE)
        kwargs = {
            "visibility": visibility,
            "channel": "phone",
            "idempotency_key": token,
        }
        if contact:
            kwargs["contact_id"] = contact
        body = f"<p>Stress storm message {token}</p>"
        answers = []
        for attempt in range(2):
            aborted = attempt == 0 and index % 2 == 0
            try:
                answers.append(
                    timed(
                        "dialog_post retried" if attempt else "dialog_post (storm)",
                        local.rpc.json,
                        "res.partner",
                        "dialog_post",
                        [customer],
                        body,
                        timeout=ABORT_AFTER if aborted else 300,
                        **kwargs,
                    )
                )
            except (OSError, xmlrpc.client.Fault) as error:
                if not aborted:
                    return token, ("error", str(error).strip()[-200:], call)
        if len(set(answers)) != 1:
            problems.append(f"{token}: the retry answered {answers}")
        return token, ("ok", answers[-1], call)

    with ThreadPoolExecutor(THREADS) as pool:
        start = time.monotonic()
        results = dict(pool.map(one, storm))
        elapsed = time.monotonic() - start
    aborted = len(storm[::2])
    print(
        f"  retry storm: {len(storm)} posts sent twice, the first call of "
        f"{aborted} given up after {ABORT_AFTER * 1000:.0f} ms"
    )
    return results, elapsed, problems


def print_latencies():
    print()
    print(f"{'latency (ms)':20} {'calls':>6} {'p50':>7} {'p95':>7}")
    for kind, seconds in sorted(LATENCIES.items()):
        if len(seconds) < 2:
            continue
        cuts = statistics.quantiles(seconds, n=20)
        print(
            f"{kind:20} {len(seconds):6d} {statistics.median(seconds) * 1000:7.0f} "
            f"{cuts[18] * 1000:7.0f}"
        )


def log_problems():
    """Every ERROR, CRITICAL or Traceback line of Odoo's logs: a load test
    that passes while the server logs errors proves less than it says."""
    problems = []
    for path in LOGS:
        text = path.read_text(errors="replace") if path.exists() else ""
        for match in LOG_PROBLEM_RE.finditer(text):
            line_end = text.find("\n", match.start())
            line = text[text.rfind("\n", 0, match.start()) + 1 : line_end]
            problems.append(f"{path.name}: {line.strip()[:300]}")
    print(f"\n  Odoo's logs: {len(problems)} ERROR/Traceback lines ({len(LOGS)} logs)")
    return problems


def main():
    admin = Client("admin", "admin", URL)
    print(
        f"make stress: {N} calls per kind from {THREADS} threads on "
        f"{', '.join(URLS)} ({DB})"
    )
    customers = setup(admin)
    calls = plan(customers)
    results = {}
    timings = {}
    for kind in ("dlg", "plain"):
        results[kind], timings[kind] = fire(kind, calls)
    problems = mixed_load(admin, customers, calls, results, timings)
    results["storm"], timings["storm"], storm_problems = retry_storm(calls)
    problems += storm_problems
    outgoing, pending = drain(admin)

    mails = sink_mails()
    by_token = {}
    for recipients, tokens in mails:
        for token in tokens:
            by_token.setdefault(token, []).append(recipients)
    summary = {}
    for kind in ("dlg", "plain", "mix", "storm"):
        rows = stored(admin, kind)
        ok = {t: r for t, r in results[kind].items() if r[0] == "ok"}
        errors = {t: r for t, r in results[kind].items() if r[0] == "error"}
        for token, (_, message_id, _) in ok.items():
            found = rows.get(token, [])
            if len(found) != 1 or found[0]["id"] != message_id:
                problems.append(f"{token}: stored {len(found)} times (id {message_id})")
        for token in errors:
            if rows.get(token):
                problems.append(f"{token}: the call failed but was stored")
        summary[kind] = (len(ok), len(errors))
        if kind == "plain":
            continue
        delivered = internal = 0
        for token, (_, message_id, _) in ok.items():
            row = rows.get(token, [{}])[0]
            mails_for = by_token.get(token, [])
            if row.get("dialog_delivery") == "notice":
                mails_for = by_token.get(f"id-{message_id}", [])
            if row.get("dialog_delivery") in ("content", "notice"):
                delivered += 1
                address = (row["dialog_delivery_address"] or "").lower()
                matching = [r for r in mails_for if address in r]
                if len(matching) != 1 or len(mails_for) != 1:
                    problems.append(
                        f"{token}: {len(matching)} delivery emails to {address} "
                        f"({len(mails_for)} emails carry the token)"
                    )
                if row["dialog_delivery_state"] != "sent":
                    problems.append(f"{token}: delivery {row['dialog_delivery_state']}")
            else:
                internal += 1
                if mails_for:
                    problems.append(f"{token}: internal message reached the SMTP sink")
        print(
            f"  dialog_post ({kind}): {delivered} customer messages delivered, "
            f"{internal} kept internal"
        )
    print(f"  {len(mails)} emails in the sink in total")
    for kind in ("dlg", "plain", "mix", "storm"):
        errors = [r[1] for r in results[kind].values() if r[0] == "error"]
        odd = [e for e in errors if not CONCURRENCY_RE.search(e)]
        if odd or len(errors) > N * 0.05:
            problems.append(
                f"{kind}: {len(errors)} calls failed, {len(odd)} of them not for "
                f"a concurrent update (e.g. {(odd or errors)[0]})"
            )
    if outgoing or pending:
        problems.append(
            f"after {DRAIN_TIMEOUT}s: {outgoing} emails still queued, "
            f"{pending} dialog messages pending"
        )

    print()
    print(f"{'':15} {'calls':>6} {'ok':>6} {'failed':>7} {'seconds':>8} {'posts/s':>8}")
    for kind, label in (("dlg", "dialog_post"), ("plain", "message_post")):
        ok, failed = summary[kind]
        print(
            f"{label:15} {N:6d} {ok:6d} {failed:7d} {timings[kind]:8.1f} "
            f"{ok / timings[kind]:8.1f}"
        )
    ratio = (summary["dlg"][0] / timings["dlg"]) / (
        summary["plain"][0] / timings["plain"]
    )
    print(f"dialog_post throughput = {ratio:.2f}x message_post at {THREADS} threads")
    errors = [
        r[1] for kind in results for r in results[kind].values() if r[0] == "error"
    ]
    for text in sorted(set(errors))[:10]:
        print(f"  failed call: {text} ({errors.count(text)}x)")
    print_latencies()
    problems += log_problems()
    if problems:
        print(f"\nFAILED: {len(problems)} problems")
        for problem in problems[:30]:
            print(f"  {problem}")
        return 1
    print(
        "\nstress: every successful call stored once, every delivery sent once, "
        "nothing pending"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
