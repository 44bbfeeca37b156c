"""Outbound delivery: one sender per provider (Twilio for SMS and WhatsApp, the Telegram Bot API), each turning a
text for one address into a provider message id or a `DeliveryError` that says whether trying again can help.
The delivery worker (`bot/reports/worker.py`) decides when to retry; the senders never retry on their own."""
