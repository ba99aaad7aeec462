"""Turning reports into rich tables, one module per family (common, coefficient, standards,
enrolment, exams, check); each registers its renderers with `edustat.render.registry`."""

# Above this many results (a province file gives thousands of counties) a command's table is
# one line each, unless --detail asks for every table.
SUMMARY_ABOVE = 40
