"""The project app has no tables of its own.

This module exists because Django sends ``post_migrate`` only to apps with a models module, and the role
set-up (``sdp_project.roles``) listens for it.
"""
