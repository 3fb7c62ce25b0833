#!/usr/bin/env python3
"""Statistics of bench/generate: AV-Align of guided, unguided and real clips.

    stats.py GUIDED.jsonl UNGUIDED.jsonl REAL.jsonl

Each file holds `mmdisco-av av-align` lines; guided and unguided lines pair up by key (the
same seed and noise). A clip with no onsets or no flow peaks has score null and counts as
0 (no synchrony can be shown), in the means and in the differences alike; how many there
were is reported. Prints JSON: means with bootstrap 95 % intervals (10,000 resamples of
clips, seed 0) and the paired difference guided - unguided with its interval.
"""
import json
import random
import sys


def scores(path):
    out = {}
    with open(path) as f:
        for line in f:
            row = json.loads(line)
            if "error" in row:
                raise SystemExit(f"{path}: {row.get('key') or row.get('file')}: {row['error']}")
            out[row.get("key") or row.get("file")] = row.get("score")
    return out


def interval(values, rng, n=10_000):
    means = []
    k = len(values)
    for _ in range(n):
        means.append(sum(values[rng.randrange(k)] for _ in range(k)) / k)
    means.sort()
    return [means[int(0.025 * n)], means[int(0.975 * n) - 1]]


def summary(values, rng):
    filled = [0.0 if v is None else v for v in values]
    return {"mean": sum(filled) / len(filled), "ci95": interval(filled, rng), "clips": len(values),
            "no_events": sum(v is None for v in values)}


def main():
    guided, unguided, real = (scores(p) for p in sys.argv[1:4])
    keys = sorted(set(guided) & set(unguided))
    if len(keys) != len(guided) or len(keys) != len(unguided):
        raise SystemExit("guided and unguided runs must hold the same keys")
    rng = random.Random(0)
    g = [guided[k] for k in keys]
    u = [unguided[k] for k in keys]
    diff = [(a or 0.0) - (b or 0.0) for a, b in zip(g, u)]
    result = {
        "guided": summary(g, rng),
        "unguided": summary(u, rng),
        "real": summary(list(real.values()), rng),
        "difference_guided_minus_unguided": {"mean": sum(diff) / len(diff), "ci95": interval(diff, rng),
                                             "pairs": len(diff), "guided_better": sum(d > 0 for d in diff),
                                             "guided_worse": sum(d < 0 for d in diff)},
    }
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
