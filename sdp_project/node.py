"""``is_node()`` and ``node_upt_code()`` (implemented in ``central.mode``, the bottom layer)."""

from central.mode import is_node, node_upt_code

__all__ = ["is_node", "node_upt_code"]
