"""The county's report workbook (`edustat report`, SPEC §9).

`model` describes sheets as cells, formulas with their cached values, merges and charts — plain
data, no computing; `calc`, `sheets` and `charts` lay the core's results out in it; `writer` turns
the model into an .xlsx with xlsxwriter; `build` reads, computes (through the core) and writes.
"""
