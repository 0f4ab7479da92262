"""The organisations of the installation: their catalogues of achievements (``catalogue``)
and their DIDs and keys (``identity``)."""
