"""`export`: a workspace monitor as a declaration, pure parts (form, render, round-trip check)."""
