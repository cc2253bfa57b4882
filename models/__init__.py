# The dialog message and its customer: fields, dialog_post.
from . import base
from . import customer_dialog_topic
from . import ir_attachment
from . import ir_http
from . import mail_activity
from . import mail_message
from . import mail_thread
from . import res_partner

# One concern each, re-inheriting the models above (as mail/models/discuss);
# editing first: its create/write are the innermost, next to mail's.
from . import editing
from . import access
from . import board
from . import correspondence
from . import delivery
from . import desk
from . import follow_up
from . import portal
from . import incoming
from . import letter
from . import overview
from . import privacy
from . import readers
from . import recipients
from . import retry
