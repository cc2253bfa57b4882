# The delivery decision as stored, delivery emails and their rendering.
from . import ir_qweb
from . import mail_mail
from . import mail_message
from . import mail_notification
from . import mail_template
from . import mail_thread
