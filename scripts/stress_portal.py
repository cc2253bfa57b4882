"""The customers' side of `make stress` (imported by scripts/stress.py):
portal users who read their messages and reply, over HTTP, on every node.

A visit: the list of messages on one node, then one message on another; every
REPLY_EVERY-th visit the visitor also replies to it and opens the page the
reply lands on, on the other node again. Readers and repliers use separate
sessions: a visitor who just replied reads on the primary for a few seconds
(read-your-writes), which is by design and counted apart.
"""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import requests

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
MESSAGE_RE = re.compile(r'href="/my/messages/(\d+)"')


def create_portal_users(admin, contacts, run, password):
    """A portal user for each contact; returns their logins."""
    portal = admin("ir.model.data", "check_object_reference", "base", "group_portal")[1]
    logins = []
    for index, contact in enumerate(contacts):
        login = f"portal{index:02d}.{run}"
        admin(
            "res.users",
            "create",
            {
                "login": login,
                "password": password,
                "partner_id": contact,
                "groups_id": [(6, 0, [portal])],
            },
            context={"no_reset_password": True},
        )
        logins.append(login)
    return logins


class Visitor:
    """One portal session (requests.Session), usable on every node: the
    nodes share their sessions (one data_dir)."""

    def __init__(self, url, db, login, password):
        self.http = requests.Session()
        page = self.http.get(f"{url}/web/login", params={"db": db}, timeout=60)
        answer = self.http.post(
            f"{url}/web/login",
            data={
                "login": login,
                "password": password,
                "csrf_token": CSRF_RE.search(page.text)[1],
                "redirect": "/my/messages",
            },
            timeout=60,
        )
        if "/web/login" in answer.url:
            raise SystemExit(f"portal login failed for {login}")

    def get(self, url):
        answer = self.http.get(url, timeout=120, allow_redirects=False)
        answer.raise_for_status()
        return answer

    def csrf(self, url):
        """The session's form token, read once from the page ``url``: a
        portal form's token holds for the whole session."""
        if not hasattr(self, "token"):
            self.token = CSRF_RE.search(self.get(url).text)[1]
            return self.token, 1
        return self.token, 0


def visit_all(urls, db, logins, password, visits, threads, token, timed, reply_every):
    """Run ``visits`` visits on ``threads`` threads; return (page reads that
    may run on the standby, replies {token: message id or error}, problems).
    The pages right after a reply are read on the primary by design."""
    local = threading.local()
    lock = threading.Lock()
    counts = {"reads": 0}
    replies, problems = {}, []

    def session(kind, login, url):
        key = (kind, login)
        sessions = local.__dict__.setdefault("sessions", {})
        if key not in sessions:
            sessions[key] = Visitor(url, db, login, password)
        return sessions[key]

    def one(index):
        login = logins[index % len(logins)]
        first, second = urls[index % len(urls)], urls[(index + 1) % len(urls)]
        reader = session("reader", login, first)
        page = timed("portal list", reader.get, f"{first}/my/messages").text
        ids = MESSAGE_RE.findall(page)
        if not ids:
            with lock:
                problems.append(f"{login}: the portal list shows no message")
            return
        message = ids[index % len(ids)]
        timed("portal message", reader.get, f"{second}/my/messages/{message}")
        with lock:
            counts["reads"] += 2
        if index % reply_every:
            return
        replier = session("replier", login, first)
        csrf, read = replier.csrf(f"{second}/my/messages/{message}")
        with lock:
            counts["reads"] += read
        text = token(index)
        answer = timed(
            "portal reply",
            replier.http.post,
            f"{first}/my/messages/{message}/reply",
            data={"body": f"Antwort {text}", "csrf_token": csrf},
            allow_redirects=False,
            timeout=120,
        )
        if answer.status_code != 303:
            replies[text] = f"HTTP {answer.status_code}"
            return
        location = answer.headers["Location"].split("#")[0]
        replies[text] = int(re.search(r"/my/messages/(\d+)", location)[1])
        shown = timed("portal reply page", replier.get, f"{second}{location}").text
        if text not in shown:
            with lock:
                problems.append(
                    f"{text}: the page right after the reply does not show it"
                )

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, range(visits)))
    return counts["reads"], replies, problems
