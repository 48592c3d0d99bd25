"""The one input layer: every tabular input and every YAML/JSON mapping enters industwin here.

* :func:`read_table` reads a table of records (CSV/TSV, Parquet, Excel — or a DataFrame given in Python)
  and says clearly, naming the file, when it is not found, a folder, empty, header only, not UTF-8 (and
  which encoding to save it as), corrupt, or has a repeated or blank column name. Identifier columns
  (firm ids, NACE / NAICS / sector codes, respondent ids) are read as text, so leading zeros survive.
* :func:`read_matrix` reads a labelled matrix (an MRIO block, an essentiality matrix) with its label
  columns and header rows as text, refusing repeated or blank labels and cells that are not numbers.
* :class:`Issues` collects the problems of one file (the first :data:`~industwin.errors.MAX_ISSUES` are
  shown); :func:`numbers` and :func:`texts` turn a column into typed values, every bad cell named by
  its line.
* :func:`read_mapping` reads a YAML or JSON mapping (scenario files, plans), refusing repeated keys;
  :func:`validate` checks it against a typed schema and :func:`schema_issues` turns pydantic's errors
  into the project's issues, with field paths such as ``shocks.capacity[0].size``.

Only blank cells count as missing: ``NA`` is Namibia, not a gap.
"""

from industwin.data.io.files import ROW_FORMATS, input_path
from industwin.data.io.mappings import read_mapping, schema_issues, validate
from industwin.data.io.matrices import read_matrix
from industwin.data.io.records import (Issues, line_of, numbers, read_sector_values, read_table, records,
                                       require_columns, texts)

__all__ = ["ROW_FORMATS", "input_path", "read_table", "read_matrix", "Issues", "numbers", "texts", "line_of",
           "require_columns", "records", "read_sector_values", "read_mapping", "validate", "schema_issues"]
