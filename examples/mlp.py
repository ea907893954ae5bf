"""A multi-layer perceptron classifying synthetic clustered data with CrossEntropyLoss,
trained with Adam (or SGD) on shuffled minibatches."""
import random

import torch
import torch.nn as nn

import _common


def make_data(rng, n, features, classes):
    """Gaussian blobs around random class centres; returns (inputs, labels) lists."""
    centres = [[rng.uniform(-2, 2) for _ in range(features)] for _ in range(classes)]
    xs, ys = [], []
    for _ in range(n):
        label = rng.randrange(classes)
        xs.append([c + rng.gauss(0, 1.0) for c in centres[label]])
        ys.append(label)
    return xs, ys


class MLP(nn.Module):
    def __init__(self, features, hidden, classes, dropout):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(features, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, classes))

    def forward(self, x):
        return self.net(x)


def main():
    p = _common.parser(__doc__, steps=3000)
    p.add_argument("--samples", type=int, default=1024)
    p.add_argument("--features", type=int, default=20)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--classes", type=int, default=4)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--optim", choices=["adam", "sgd"], default="adam")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--dropout", type=float, default=0.0)
    args = p.parse_args()
    _common.seed_everything(args.seed)
    rng = random.Random(args.seed)
    xs, ys = make_data(rng, args.samples, args.features, args.classes)
    inputs = torch.tensor(xs, dtype=torch.float32)
    labels = torch.tensor(ys, dtype=torch.int64)

    model = MLP(args.features, args.hidden, args.classes, args.dropout)
    _common.initialise(model, args)
    model = _common.maybe_torchscript(model, (inputs[:args.batch_size],), args)
    if args.optim == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    criterion = nn.CrossEntropyLoss()
    order = []

    def step(i):
        if len(order) < args.batch_size:  # a new epoch: reshuffle with Python's RNG
            order[:] = list(range(args.samples))
            rng.shuffle(order)
        batch = torch.tensor(order[:args.batch_size], dtype=torch.int64)
        del order[:args.batch_size]
        optimizer.zero_grad()
        loss = criterion(model(inputs[batch]), labels[batch])
        loss.backward()
        optimizer.step()
        return loss.item()

    _common.train(args.steps, step)


if __name__ == "__main__":
    main()
