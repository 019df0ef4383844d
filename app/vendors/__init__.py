"""The cloud services STT, TTS and NLU talk to, one module per vendor, and the limits they share.

A low storey: it imports nothing of the app's above `app.errors`, so `app.media`
and `app.dialog` may both use it. No module here imports a vendor's SDK at import
time; the functions that build a client or a config do, so checking settings
(`portaria check-config`) never loads one.
"""
