# A BFS with collections.deque: popleft/append in a loop over a grid.
from collections import deque

def main():
    grid = ["..#....",
            ".##.##.",
            "...#...",
            ".#...#."]
    H, W = len(grid), len(grid[0])
    dist = {(0, 0): 0}
    q = deque([(0, 0)])
    while q:
        r, c = q.popleft()
        for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            nr, nc = r + dr, c + dc
            if 0 <= nr < H and 0 <= nc < W and grid[nr][nc] == "." and (nr, nc) not in dist:
                dist[(nr, nc)] = dist[(r, c)] + 1
                q.append((nr, nc))
    print(dist.get((3, 6)), len(dist), max(dist.values()))


main()
