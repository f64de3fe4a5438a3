"""`migrate`: move a stack's monitors to the other monitor API without deleting one."""
