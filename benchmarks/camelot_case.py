"""Baseline, run with the camelot interpreter (a separate venv, see README.md):
camelot lattice on given pages of given PDFs. Prints one JSON object.

    /opt/venv-camelot/bin/python benchmarks/camelot_case.py '{"file.pdf": [1, 2], ...}'
"""
import json
import resource
import sys
import time

import camelot

pages_by_file = json.loads(sys.argv[1])
camelot.read_pdf(next(iter(pages_by_file)), pages="1", flavor="lattice")  # warm-up (lazy imports)
t0 = time.perf_counter()
tables = 0
for path, pages in pages_by_file.items():
    found = camelot.read_pdf(path, pages=",".join(map(str, pages)), flavor="lattice")
    tables += found.n
print(json.dumps({"seconds": time.perf_counter() - t0, "tables": tables,
                  "version": camelot.__version__,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
