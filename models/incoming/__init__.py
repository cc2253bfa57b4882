# What a customer sends: portal replies and emails through the gateway.
from . import mail_message
from . import mail_thread
