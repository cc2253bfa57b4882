# Further recipients of a customer message (CC, BCC, listed): who got it,
# at which address, in which state, and the headers each of them sees.
from . import customer_dialog_recipient
from . import mail_mail
from . import mail_message
from . import mail_thread
