# Data protection: legal hold, shared files, retention, access and erasure.
from . import customer_dialog_export
from . import customer_dialog_topic
from . import ir_attachment
from . import mail_message
from . import res_partner
from . import res_partner_export
