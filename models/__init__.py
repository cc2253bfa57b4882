from . import (
    customer_dialog_topic,
    mail_message,
    mail_thread,
    res_partner,
)
