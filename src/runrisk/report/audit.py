"""`python -m runrisk.report.audit` / `runrisk-audit`: re-hash a study against results/provenance/manifest.json."""

import sys

from runrisk.report.provenance import main

if __name__ == "__main__":
    sys.exit(main())
