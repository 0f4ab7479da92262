"""The JSON API, one module per resource; request bodies declared (``bodies``)."""
