# The clerk's desk: how a dialog message presents itself.
from . import mail_message
