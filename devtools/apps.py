from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Development tooling: demo seeding, the synthetic national dataset, synthetic packages and benchmarks.

    Installed so that its commands (``seed_demo``, ``seed_national``, ``bench``, ``bench_*``) run anywhere SDP
    runs; no product app imports it (tests/test_project.py).
    """

    name = "devtools"
    verbose_name = "Dev tooling"
