"""Input channels registered with Rasa in credentials.yml. One file per channel, all of the same shape:
parse and check the request, clean the text with `inbound.clean_text`, hand a UserMessage to Rasa, send replies.

Importing the package (Rasa does, to load credentials.yml) also keeps user text out of Rasa's logs (bot.rasa_logs)
and makes each custom action call cheaper (bot.rasa_patches; HELPLINE_RASA_PATCHES=off to leave Rasa untouched).
A Rasa server started without RASA_TELEMETRY_ENABLED=false refuses to start: each channel's `from_credentials`
(which only Rasa calls, when it builds its input channels) checks it (bot.rasa_telemetry).
"""

from bot import rasa_logs, rasa_patches

rasa_logs.install()
rasa_patches.install()
