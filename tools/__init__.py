# Helpers without a model, importable as Odoo's own addons/*/tools:
# the typed RPC boundary (dialog_input), the selections, patterns and
# context markers (dialog_constants) and domain reading (dialog_domain).
from . import dialog_constants, dialog_domain, dialog_input
