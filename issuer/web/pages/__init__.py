"""The HTML pages (``home`` lists them all); what they share is in ``base``."""
