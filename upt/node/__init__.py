"""A UPT node: the same SDP running at a UPT (``SDP_MODE=upt``), sending its packages to central's API.

``client``: the HTTP client for central's API; ``outbox``: packages kept until central has answered them.
"""
