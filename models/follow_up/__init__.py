# A follow-up ("Wiedervorlage"): its to-do follows its message.
from . import mail_message
from . import mail_thread
