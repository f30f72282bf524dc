"""Central's REST API (version 1): the thin HTTP layer over central's services and selectors."""
