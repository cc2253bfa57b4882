# A dialog message printed as the company's letter (DIN 5008), for the post.
from . import mail_message
