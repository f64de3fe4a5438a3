"""`verify`: read each deployed monitor back and check it against its declaration."""
