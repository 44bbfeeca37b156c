"""Input channels registered with Rasa in credentials.yml. One file per channel, all of the same shape:
parse and check the request, clean the text with `inbound.clean_text`, hand a UserMessage to Rasa, send replies.

Importing the package (Rasa does, to load credentials.yml) also keeps user text out of Rasa's logs (bot.rasa_logs).
"""

from bot import rasa_logs

rasa_logs.install()
