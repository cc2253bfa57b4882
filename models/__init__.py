from . import customer_dialog_topic
from . import ir_attachment
from . import ir_http
from . import mail_mail
from . import mail_message
from . import mail_notification
from . import mail_thread
from . import res_partner
