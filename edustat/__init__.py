"""edustat: indicator calculator for county education statistics.

From Python::

    from edustat import api
    report = api.coefficient(["data/2022.csv"], standard="basic")
    print(report.to_json())

Importing this package does not import pandas; the computing modules load it when used.
"""

__version__ = "0.1.0"
