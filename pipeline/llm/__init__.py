"""Talking to language models: providers over HTTP, retries, input sanitising and the output guard.

Nothing here opens the warehouse; pipeline/messages.py feeds plain data in and stores results.
"""
