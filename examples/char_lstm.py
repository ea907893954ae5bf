"""A character-level language model: Embedding, an LSTMCell unrolled over time in a Python
loop, and a Linear decoder, trained with Adam and clip_grad_norm_ on a small built-in text."""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

import _common

TEXT = """\
It was the best of times, it was the worst of times, it was the age of wisdom, it was the
age of foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the
season of Light, it was the season of Darkness, it was the spring of hope, it was the winter
of despair, we had everything before us, we had nothing before us, we were all going direct
to Heaven, we were all going direct the other way - in short, the period was so far like the
present period, that some of its noisiest authorities insisted on its being received, for
good or for evil, in the superlative degree of comparison only.
There were a king with a large jaw and a queen with a plain face, on the throne of England;
there were a king with a large jaw and a queen with a fair face, on the throne of France. In
both countries it was clearer than crystal to the lords of the State preserves of loaves and
fishes, that things in general were settled for ever.
"""


class CharLSTM(nn.Module):
    def __init__(self, vocab, embed, hidden, dropout):
        super().__init__()
        self.hidden = hidden
        self.embed = nn.Embedding(vocab, embed)
        self.cell = nn.LSTMCell(embed, hidden)
        self.drop = nn.Dropout(dropout)
        self.decoder = nn.Linear(hidden, vocab)

    def forward(self, tokens):
        """tokens: (batch, time) int64 -> logits (batch * time, vocab), time-major rows."""
        batch, steps = tokens.size(0), tokens.size(1)
        emb = self.embed(tokens)
        h = torch.zeros(batch, self.hidden)
        c = torch.zeros(batch, self.hidden)
        outputs = []
        for t in range(steps):
            h, c = self.cell(emb[:, t], (h, c))
            outputs.append(self.decoder(self.drop(h)))
        return torch.cat(outputs, 0)


def main():
    p = _common.parser(__doc__, steps=300)
    p.add_argument("--embed", type=int, default=16)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--seq-len", type=int, default=32)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--clip", type=float, default=1.0)
    p.add_argument("--dropout", type=float, default=0.0)
    args = p.parse_args()
    _common.seed_everything(args.seed)
    rng = random.Random(args.seed)
    chars = sorted(set(TEXT))
    index = {ch: i for i, ch in enumerate(chars)}
    ids = [index[ch] for ch in TEXT]

    def get_batch():
        starts = [rng.randrange(len(ids) - args.seq_len - 1) for _ in range(args.batch_size)]
        x = torch.tensor([ids[s:s + args.seq_len] for s in starts], dtype=torch.int64)
        y = torch.tensor([ids[s + 1:s + args.seq_len + 1] for s in starts], dtype=torch.int64)
        return x, y.t().reshape(-1)  # targets in the model's time-major row order

    model = CharLSTM(len(chars), args.embed, args.hidden, args.dropout)
    _common.initialise(model, args)
    example = torch.zeros(args.batch_size, args.seq_len, dtype=torch.int64)
    model = _common.maybe_torchscript(model, (example,), args)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    def step(i):
        x, y = get_batch()
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        optimizer.step()
        return loss.item()

    _common.train(args.steps, step)


if __name__ == "__main__":
    main()
