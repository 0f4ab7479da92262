"""CSV batch issuance: the file checked row by row (``batch_csv``), then issued in the
background by the one worker (``batch``)."""
