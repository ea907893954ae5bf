"""examples/regression.py with its batch drawn once (the tensor half of its step: the
random.gauss comprehension is not in the timed loop). Otherwise the same script."""
import os
import random
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples"))
import _common  # noqa: E402

POLY_DEGREE = 4


def make_features(x):
    """The columns [x, x^2, x^3, x^4] of a batch of scalars."""
    x = x.unsqueeze(1)
    return torch.cat([x ** i for i in range(1, POLY_DEGREE + 1)], 1)


def main():
    p = _common.parser(__doc__, steps=5000)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=0.1)
    args = p.parse_args()
    _common.seed_everything(args.seed)
    rng = random.Random(args.seed)
    w_target = torch.tensor([[rng.gauss(0, 1) * 5] for _ in range(POLY_DEGREE)])
    b_target = rng.gauss(0, 1) * 5

    x0 = torch.tensor([rng.gauss(0, 1) for _ in range(args.batch_size)])

    def get_batch():
        x = x0
        features = make_features(x)
        return features, features.mm(w_target) + b_target

    model = torch.nn.Linear(POLY_DEGREE, 1)
    _common.initialise(model, args)
    model = _common.maybe_torchscript(model, (torch.zeros(args.batch_size, POLY_DEGREE),), args)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)

    def step(i):
        batch_x, batch_y = get_batch()
        optimizer.zero_grad()
        loss = F.smooth_l1_loss(model(batch_x), batch_y)
        loss.backward()
        optimizer.step()
        return loss.item()

    _common.train(args.steps, step)


if __name__ == "__main__":
    main()
