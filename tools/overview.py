"""The sections of the customer overview (res.partner.dialog_overview): each
is what one app knows of the customer, as a search on its own model, with
its filters, its "only mine", its columns and its "show all" in the app's
own list view. A module adds a section by extending
``res.partner._dialog_overview_sections``; a section whose model is not
installed, or that the user may not read, is absent."""

from odoo.tools import format_amount, format_date, format_datetime

# Rows shown per section (the rest: "show all", in the app's list view).
ROWS = 8


class Section:
    """One section: ``scope`` is the domain of everything of the customer
    (a function of the customer's partners), ``filters`` (key, label,
    domain) narrow it, ``mine`` is "only mine" for the user, ``columns``
    (field, label) are shown per row, ``order`` sorts them."""

    def __init__(
        self,
        key,
        title,
        model,
        scope,
        mine,
        columns,
        filters=(),
        order=None,
        sequence=50,
        context=None,
        counted_by=None,
    ):
        self.key = key
        self.title = title
        self.model = model
        self.scope = scope
        self.mine = mine
        self.columns = columns
        self.filters = [("all", None, []), *filters]
        self.order = order
        self.sequence = sequence
        self.context = context or {}
        # (field, {filter key: its values}): every filter's count from one
        # group-by on the field, instead of a count per filter
        self.counted_by = counted_by
        # its records carry to-dos (the to-do section lists theirs)
        self.documents = True
        self.siblings = []

    def readable(self, env):
        return self.model in env and env[self.model].browse().has_access("read")

    def filter_keys(self):
        return [key for key, _label, _domain in self.filters]

    def to_page(self, env, partners, mine, filter_key):
        """The section as the page shows it: its filters with their counts,
        the first rows of the chosen one."""
        counts = self.counts(env, partners, mine)
        records = self.records(env, partners, mine, filter_key)
        return {
            "key": self.key,
            "title": self.title,
            "mine": mine,
            "filter": filter_key,
            "count": counts[filter_key],
            "filters": [
                {"key": key, "label": label or env._("All"), "count": counts[key]}
                for key, label, _domain in self.filters
            ],
            "columns": [label for _fname, label in self.columns],
            "rows": [self.row(record) for record in records],
        }

    def domain(self, env, partners, mine, filter_key):
        domain = list(self.scope(partners))
        if mine:
            domain += self.mine(env.user)
        return domain + {key: dom for key, _label, dom in self.filters}[filter_key]

    def records(self, env, partners, mine, filter_key, limit=ROWS):
        Model = env[self.model].with_context(**self.context)
        domain = self.domain(env, partners, mine, filter_key)
        return Model.search(domain, limit=limit, order=self.order)

    def counts(self, env, partners, mine):
        Model = env[self.model].with_context(**self.context)
        if not self.counted_by:
            return {
                key: Model.search_count(self.domain(env, partners, mine, key))
                for key, _label, _domain in self.filters
            }
        fname, values = self.counted_by
        groups = dict(
            Model._read_group(
                self.domain(env, partners, mine, "all"), [fname], ["__count"]
            )
        )
        counts = {
            key: sum(groups.get(value, 0) for value in covered)
            for key, covered in values.items()
        }
        return {"all": sum(groups.values()), **counts}

    def row(self, record):
        """A row: its cells as the user reads them, and how to open it."""
        return {
            "id": record.id,
            "model": record._name,
            "cells": [cell(record, fname) for fname, _label in self.columns],
        }

    def action(self, env, partners, mine, filter_key):
        """ "Show all": the app's own list view, on the same records."""
        return {
            "type": "ir.actions.act_window",
            "name": self.title,
            "res_model": self.model,
            "views": [[False, "list"], [False, "form"]],
            "domain": self.domain(env, partners, mine, filter_key),
            "context": {**self.context, "create": False},
        }


def cell(record, fname):
    """The value of ``fname`` on ``record`` as the user reads it (their
    language, time zone and currency format)."""
    field = record._fields[fname]
    value = record[fname]
    env = record.env
    if not value and field.type not in ("integer", "float", "monetary"):
        return ""
    if field.type == "many2one":
        return value.display_name
    if field.type == "selection":
        return dict(field._description_selection(env)).get(value, "")
    if field.type == "date":
        return format_date(env, value)
    if field.type == "datetime":
        return format_datetime(env, value, dt_format="short")
    if field.type == "monetary":
        return format_amount(env, value, record[field.get_currency_field(record)])
    return str(value)
