# German correspondence: salutations, one opening and closing per letter.
from . import mail_message
from . import res_partner
