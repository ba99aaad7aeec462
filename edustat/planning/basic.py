"""Basic (2012) method: spend where the composite CV falls most per yuan (SPEC §8)."""

from __future__ import annotations


def basic_targets(units, norms, prices, coefficients):  # placeholder, replaced below
    raise NotImplementedError
