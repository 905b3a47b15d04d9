"""Loading the data files (reference data, the illustrative sample) through the catalog's services.

Each loader reads and checks the whole file first and writes nothing if any row is wrong, then
writes everything in one transaction. Running it twice changes nothing the second time.
"""

from .files import DATA_DIR, DataProblem, LoadAborted, LoadReport
from .reference import reference_load
from .sample import sample_load

__all__ = ["DATA_DIR", "DataProblem", "LoadAborted", "LoadReport", "reference_load", "sample_load"]
