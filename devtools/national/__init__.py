"""The national dataset: a synthetic country at the scale of DESIGN §1, for benchmarks and national-scale
tests. ``facts`` holds the figures it reproduces, ``population`` generates people in memory (deterministic
for a seed), ``seed`` writes them (``manage.py seed_national``)."""
