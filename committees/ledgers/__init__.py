"""Spreadsheet ledgers (台账): the shared xlsx form (workbook), exports (exports) and the import (importing)."""

from .exports import (  # noqa: F401
    LEDGER_NAMES,
    MIN_PURPOSE_LENGTH,
    member_units_in_full_response,
    member_units_ledger,
    member_units_response,
    projects_response,
    records_in_full_response,
    records_ledger,
    records_response,
)
from .importing import (  # noqa: F401
    MAX_IMPORT_ROWS,
    ImportRejected,
    ImportRow,
    LedgerFileError,
    errors_filename,
    errors_workbook,
    import_columns,
    import_file,
    import_records,
    template_response,
)
from .workbook import XLSX_TYPE, build_workbook, dated_filename, neutralise, xlsx_response  # noqa: F401
