# Restricted readers: an internal dialog message only its readers see.
from . import customer_dialog_topic
from . import mail_activity
from . import mail_message
from . import mail_thread
