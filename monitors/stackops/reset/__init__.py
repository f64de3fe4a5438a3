"""`reset`: recreate chosen monitors on purpose, after a preview proves nothing else is touched."""
