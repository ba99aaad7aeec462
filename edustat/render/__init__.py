"""Turning reports into rich tables, one module per family (common, coefficient, standards,
enrolment, exams, check); each registers its renderers with `edustat.render.registry`."""
