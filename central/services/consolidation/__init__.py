"""Central consolidation: runs (request, execute, failure, stale runs) and the engine's SQL steps.

The public services are re-exported here; see ``runs`` for the life of a run and ``engine`` for its steps.
"""

from central.services.consolidation.parts import consolidation_part_execute, consolidation_parts_execute
from central.services.consolidation.runs import (
    ConsolidationRetry,
    RunRequest,
    consolidation_execute,
    consolidation_reap_stale,
    consolidation_request,
)

__all__ = [
    "ConsolidationRetry",
    "RunRequest",
    "consolidation_execute",
    "consolidation_part_execute",
    "consolidation_parts_execute",
    "consolidation_reap_stale",
    "consolidation_request",
]
