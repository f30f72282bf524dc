"""The operations app has no tables of its own.

This module exists because Django sends ``post_migrate`` only to apps with a models module, and the role
set-up (``central.role_groups``) listens for it.
"""
