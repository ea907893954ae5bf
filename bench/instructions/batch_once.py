"""examples/regression.py with its batch drawn once, before the training loop: the tensor
half of its step (the random.gauss comprehension is out of the timed loop). Made from
regression.py's own source at run time, so the two stay the same script otherwise."""
import os
import sys

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")
PATH = os.path.join(EXAMPLES, "regression.py")
DRAWN_EACH_STEP = """    def get_batch():
        x = torch.tensor([rng.gauss(0, 1) for _ in range(args.batch_size)])
"""
DRAWN_ONCE = """    x0 = torch.tensor([rng.gauss(0, 1) for _ in range(args.batch_size)])

    def get_batch():
        x = x0
"""

with open(PATH) as f:
    source = f.read()
if DRAWN_EACH_STEP not in source:
    sys.exit("batch_once.py: examples/regression.py no longer draws its batch as expected")
sys.path.insert(0, EXAMPLES)
exec(compile(source.replace(DRAWN_EACH_STEP, DRAWN_ONCE), PATH, "exec"),
     {"__name__": "__main__", "__file__": PATH})
