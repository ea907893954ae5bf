"""A binary Tree-LSTM (Tai et al. 2015, N-ary variant) classifying random binary trees.
The model recurses over each tree in Python, one node at a time, so the computation graph
changes with every sample; trained with Adam."""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

import _common


class Tree:
    """A leaf carries a token; an inner node has a left and a right subtree."""

    def __init__(self, token=None, left=None, right=None):
        self.token, self.left, self.right = token, left, right

    def tokens(self):
        if self.token is not None:
            return [self.token]
        return self.left.tokens() + self.right.tokens()


def random_tree(rng, vocab, depth):
    if depth == 0 or (depth < 4 and rng.random() < 0.3):
        return Tree(token=rng.randrange(vocab))
    return Tree(left=random_tree(rng, vocab, depth - 1), right=random_tree(rng, vocab, depth - 1))


def label_of(tree, classes):
    """A structure-dependent target: tokens weighted by their position, modulo classes."""
    return sum((i + 1) * t for i, t in enumerate(tree.tokens())) % classes


class BinaryTreeLSTM(nn.Module):
    def __init__(self, vocab, embed, hidden, classes, dropout):
        super().__init__()
        self.hidden = hidden
        self.embed = nn.Embedding(vocab, embed)
        self.leaf = nn.Linear(embed, 3 * hidden)        # i, o, u
        self.node = nn.Linear(2 * hidden, 5 * hidden)   # i, f_left, f_right, o, u
        self.drop = nn.Dropout(dropout)
        self.classify = nn.Linear(hidden, classes)

    def encode(self, tree):
        """Returns (h, c), each (1, hidden), by recursion over the tree."""
        if tree.token is not None:
            x = self.embed(torch.tensor([tree.token], dtype=torch.int64))
            i, o, u = self.leaf(x).chunk(3, 1)
            c = torch.sigmoid(i) * torch.tanh(u)
            return torch.sigmoid(o) * torch.tanh(c), c
        h_l, c_l = self.encode(tree.left)
        h_r, c_r = self.encode(tree.right)
        i, f_l, f_r, o, u = self.node(torch.cat([h_l, h_r], 1)).chunk(5, 1)
        c = (torch.sigmoid(i) * torch.tanh(u) + torch.sigmoid(f_l) * c_l
             + torch.sigmoid(f_r) * c_r)
        return torch.sigmoid(o) * torch.tanh(c), c

    def forward(self, tree):
        h, _ = self.encode(tree)
        return self.classify(self.drop(h))


def main():
    p = _common.parser(__doc__, steps=100)
    p.add_argument("--vocab", type=int, default=20)
    p.add_argument("--embed", type=int, default=16)
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--classes", type=int, default=3)
    p.add_argument("--depth", type=int, default=5)
    p.add_argument("--trees-per-step", type=int, default=4)
    p.add_argument("--lr", type=float, default=1e-2)
    p.add_argument("--dropout", type=float, default=0.0)
    args = p.parse_args()
    _common.seed_everything(args.seed)
    rng = random.Random(args.seed)
    model = BinaryTreeLSTM(args.vocab, args.embed, args.hidden, args.classes, args.dropout)
    _common.initialise(model, args)
    if args.torchscript:
        # Tracing would freeze one tree's shape into the graph and scripting cannot take a
        # Python Tree object, so there is no faithful TorchScript version of this model.
        _common.unsupported_torchscript("the model recurses over per-sample Python trees")
    model = _common.maybe_torchscript(model, (), args)  # --compile MODE only
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    def step(i):
        trees = [random_tree(rng, args.vocab, args.depth) for _ in range(args.trees_per_step)]
        optimizer.zero_grad()
        loss = 0
        for tree in trees:
            target = torch.tensor([label_of(tree, args.classes)], dtype=torch.int64)
            loss = loss + F.cross_entropy(model(tree), target)
        loss = loss / len(trees)
        loss.backward()
        optimizer.step()
        return loss.item()

    _common.train(args.steps, step)


if __name__ == "__main__":
    main()
