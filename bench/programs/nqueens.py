"""Recursion: counts and checksums every placement of n queens by backtracking."""
from _step import main


def place(n, row, cols, diag1, diag2, board, out):
    if row == n:
        out.append(tuple(board))
        return
    for col in range(n):
        if col in cols or (row - col) in diag1 or (row + col) in diag2:
            continue
        cols.add(col)
        diag1.add(row - col)
        diag2.add(row + col)
        board.append(col)
        place(n, row + 1, cols, diag1, diag2, board, out)
        board.pop()
        cols.remove(col)
        diag1.remove(row - col)
        diag2.remove(row + col)


def step(n):
    solutions = []
    place(n, 0, set(), set(), set(), [], solutions)
    checksum = sum(i * c for s in solutions for i, c in enumerate(s))
    return len(solutions), checksum


if __name__ == "__main__":
    main(__doc__, step, default_size=10, quick_size=9)
