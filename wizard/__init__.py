from . import customer_dialog_block_wizard
from . import customer_dialog_composer
from . import portal_wizard_user
