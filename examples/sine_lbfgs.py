"""Predicts the next value of noisy-phase sine waves with two stacked LSTMCells in float64,
optimised by L-BFGS with a strong-Wolfe line search (the setting of PyTorch's
time_sequence_prediction example, at a smaller size)."""
import math
import random

import torch
import torch.nn as nn

import _common


class Sequence(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.hidden = hidden
        self.lstm1 = nn.LSTMCell(1, hidden)
        self.lstm2 = nn.LSTMCell(hidden, hidden)
        self.linear = nn.Linear(hidden, 1)

    def forward(self, input):
        batch = input.size(0)
        h1 = torch.zeros(batch, self.hidden, dtype=torch.float64)
        c1 = torch.zeros(batch, self.hidden, dtype=torch.float64)
        h2 = torch.zeros(batch, self.hidden, dtype=torch.float64)
        c2 = torch.zeros(batch, self.hidden, dtype=torch.float64)
        outputs = []
        for input_t in input.split(1, dim=1):
            h1, c1 = self.lstm1(input_t, (h1, c1))
            h2, c2 = self.lstm2(h1, (h2, c2))
            outputs.append(self.linear(h2))
        return torch.cat(outputs, dim=1)


def main():
    p = _common.parser(__doc__, steps=30)
    p.add_argument("--waves", type=int, default=16)
    p.add_argument("--length", type=int, default=40)
    p.add_argument("--hidden", type=int, default=16)
    p.add_argument("--lr", type=float, default=0.8)
    p.add_argument("--max-iter", type=int, default=4)
    args = p.parse_args()
    _common.seed_everything(args.seed)
    rng = random.Random(args.seed)
    rows = []
    for _ in range(args.waves):
        shift = rng.randrange(-80, 80)
        rows.append([math.sin((t + shift) / 20.0) for t in range(args.length + 1)])
    data = torch.tensor(rows, dtype=torch.float64)
    input, target = data[:, :-1], data[:, 1:]

    model = Sequence(args.hidden).double()
    _common.initialise(model, args)
    model = _common.maybe_torchscript(model, (input,), args)
    criterion = nn.MSELoss()
    optimizer = torch.optim.LBFGS(model.parameters(), lr=args.lr, max_iter=args.max_iter,
                                  line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = criterion(model(input), target)
        loss.backward()
        return loss

    def step(i):
        return optimizer.step(closure).item()

    _common.train(args.steps, step)


if __name__ == "__main__":
    main()
