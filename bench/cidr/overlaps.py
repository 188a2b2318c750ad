#!/usr/bin/env python3
"""Count overlapping pairs of prefixes the way a network engineer would.

Reads one prefix per line from FILE, then checks every pair with
ipaddress's overlaps(): the plain O(n^2) loop. Prints one line with the
prefix count, the pair count and the time the pair loop took (parsing is
not timed), in the same shape as bench/cidr/goover.

Usage: python3 bench/cidr/overlaps.py FILE
"""

import ipaddress
import sys
import time


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: overlaps.py FILE")
    path = sys.argv[1]
    with open(path) as f:
        nets = [ipaddress.ip_network(line.strip()) for line in f if line.strip()]

    start = time.perf_counter()
    pairs = 0
    for i, a in enumerate(nets):
        for b in nets[i + 1:]:
            if a.overlaps(b):
                pairs += 1
    elapsed = time.perf_counter() - start

    print(f"python file={path} prefixes={len(nets)} pairs={pairs} seconds={elapsed:.6f}")


if __name__ == "__main__":
    main()
