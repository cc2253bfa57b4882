# What an employee may read.
from . import mail_message
