"""Put on PYTHONPATH by ``tests/mutmut_compat.py`` for the processes tests start (the CLI).

While mutmut collects which tests run which function ("stats"), a child process cannot report
to it: let the child run the original code. Under a mutant, the child runs the mutant too.
"""

import os

if os.environ.get("MUTANT_UNDER_TEST") == "stats":
    os.environ["MUTANT_UNDER_TEST"] = ""
