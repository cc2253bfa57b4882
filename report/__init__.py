from . import customer_file
from . import dialog_letter
