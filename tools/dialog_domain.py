"""Reading a search domain without running it."""

from odoo.osv import expression

# Leaves that make every match a dialog message when a domain ANDs them.
DIALOG_ONLY_FIELDS = ("dialog_visibility", "dialog_partner_id")


def only_dialog_messages(domain):
    """Whether ``domain`` only matches dialog messages: one of its leaves
    that every match satisfies requires a visibility or a customer."""
    domain = expression.normalize_domain(domain or [])
    required = []

    def walk(index, top):
        token = domain[index]
        if token in (expression.AND_OPERATOR, expression.OR_OPERATOR):
            top = top and token == expression.AND_OPERATOR
            return walk(walk(index + 1, top), top)
        if token == expression.NOT_OPERATOR:
            return walk(index + 1, False)
        if top and isinstance(token, list | tuple) and len(token) == 3:
            required.append(tuple(token))
        return index + 1

    if domain:
        walk(0, True)
    for field, operator, value in required:
        if field not in DIALOG_ONLY_FIELDS:
            continue
        if operator == "!=" and value is False:
            return True
        if operator == "=" and value:
            return True
        if operator == "in" and value and all(value):
            return True
    return False
