"""Reads behind the monitoring reports, one module per topic.

- ``common``: what a report covers (the user's scope narrowed by a ``ReportFilter``), the WIB report day and
  its deadlines, and the timeliness states a UPT's day can be in.
- ``status``: each UPT on one day (packages against the deadlines, last result, occupancy) and its sums per
  region and nation; the most overcrowded UPTs and those that have not sent.
- ``compliance``: sending over a range of days, per UPT and day by day for one UPT.
- ``breakdowns``: occupants by register, sex and crime category, and the daily occupancy trend.
- ``activity``: consolidation runs as a report's scope saw them, per-UPT results and why rows were rejected.

Every figure starts from the UPTs the user may see (``Upt.objects.restrict(user, Action.VIEW)``), narrowed
by the report's filters (region, one UPT, UPT type). Child rows (submissions, results, snapshots…) are read
through their own ``restrict`` or through a subquery keyed by that restricted UPT set, so a Kanwil user's
figures can only ever contain their region. Each function runs a fixed number of queries whatever the
number of UPTs or days; per-UPT work over a few hundred rows is done in Python. Selectors take ``user`` as
a keyword. Callers import the topic module they need; this package re-exports nothing.
"""
