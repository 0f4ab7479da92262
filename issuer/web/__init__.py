"""The HTTP edge, the only part that imports FastAPI: ``api/`` (JSON), ``pages/`` (HTML),
``deps`` (the dependencies both use). It never touches SQL: each route calls a use case."""
