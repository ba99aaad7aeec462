"""The least cost for a county to meet the balance standards (SPEC §8): compute only."""
