"""Runs a GPU pytest file, or exits 77 (ctest's SKIP_RETURN_CODE) saying why there is no
device: a skipped GPU suite is reported as skipped, never as passed."""
import sys

import janus

if not janus.cuda.is_available():
    if not janus.cuda.is_built():
        why = "Janus was built without its CUDA backend"
    else:
        try:
            janus.cuda._lazy_init()
            why = "no CUDA device"
        except (RuntimeError, AssertionError) as e:
            why = str(e)
    print(f"SKIP {sys.argv[1]}: no CUDA device available ({why})")
    sys.exit(77)

import pytest  # noqa: E402

sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", *sys.argv[1:]]))
