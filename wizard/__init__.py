from . import customer_dialog_block_wizard
from . import customer_dialog_composer
from . import customer_dialog_erase_wizard
from . import mail_resend_message
from . import mail_resend_partner
from . import portal_wizard_user
from . import customer_dialog_release_wizard
