"""Every write to a UPT's register: people (``people``), movements (``movements``), remissions
(``remissions``). Each service checks the user's scope through ``central.scoping`` and the rules of
``upt.services.rules``, and keeps the person's derived fields in step (``upt.services.derived``)."""
