"""`reset`: recreate chosen monitors on purpose, after a preview proves nothing else is touched.

Fresh reset tokens are written to the stack file (`tokens`) and applied only after the preview
replaces exactly the chosen monitors and the user confirmed (`confirm`); a refusal or abort puts
the file back (`restore`). A reset that did not complete (the monitor is deleted and pending
replacement, absent, or its token was never applied) is finished with the token already in the
file, never a new one. `command` runs it; `apply` runs the update and reports each outcome, or
where each monitor stands and how to finish.
"""
