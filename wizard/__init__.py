from . import customer_dialog_block_wizard
from . import customer_dialog_composer
