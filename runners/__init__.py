"""claimcheck's engine and everything under it, one folder a part (docs/architecture.md draws the layers).

Front-ends ``cli/`` and ``pytest_plugin.py``; the ``service/`` they call; the ``engine/`` that plans,
trains and decides; the ``catalog/`` of loaded specs; the claim ``kinds/`` and the ``stores/``; the
``spec/`` layer, ``stats/`` and ``resources/``; at the ground ``core/`` and ``environment/``.
"""
