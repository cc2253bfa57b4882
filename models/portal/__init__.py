# What a share user (portal, public, token) may see and do.
from . import ir_attachment
from . import mail_message
from . import mail_thread
