# Integrations that retry: dialog_post with an idempotency key.
from . import customer_dialog_post_key
from . import mail_thread
