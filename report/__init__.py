from . import customer_file
