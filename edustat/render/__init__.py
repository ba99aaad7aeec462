"""Turning reports into rich tables, one module per family (common, coefficient, standards,
enrolment, exams, check); each registers its renderers with `edustat.render.registry`."""

# Above this many results a command's table is a summary unless --detail is asked for.
SUMMARY_ABOVE = 40
