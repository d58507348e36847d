#!/usr/bin/env python3
"""numpy float32 peer for labrun-bench: the lecture network, timed per epoch.

Nielsen's network 784-30-10 (sigmoid, quadratic cost, learning rate 3,
mini-batches of 10), each mini-batch handled as one float32 matrix, on the
MNIST training images read from the gzip IDX files. One warm-up epoch, then
the timed ones (shuffle, forward, backward, update; no evaluation). Prints
one JSON object on stdout, e.g. {"seconds_per_epoch": 0.25, ...}.

    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
        python3 script/bench-numpy.py [DATA_DIR] [--images N] [--epochs E]

DATA_DIR holds train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz;
by default data/mnist/ of the repository this script lives in. --images:
how many of the first training images to use (50,000, the lecture's split);
--epochs: timed epochs after the warm-up (3). labrun-bench runs it with one
BLAS thread; run by hand, set the two variables above for the same.
"""

import argparse
import gzip
import json
import os
import resource
import struct
import sys
import time

import numpy as np


def read_idx(path):
    """The array in a gzip IDX file (unsigned bytes only, as MNIST's are);
    the uncompressed file if there is no .gz."""
    if os.path.exists(path):
        with gzip.open(path, "rb") as f:
            data = f.read()
    else:
        with open(path[: -len(".gz")], "rb") as f:
            data = f.read()
    zero, kind, dims = struct.unpack(">HBB", data[:4])
    if zero != 0 or kind != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    shape = struct.unpack(">" + "I" * dims, data[4 : 4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "data", nargs="?", default=os.path.join(here, "..", "data", "mnist"))
    parser.add_argument("--images", type=int, default=50_000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    images = read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz"))
    n = min(args.images, len(images))
    x_all = (images[:n].reshape(n, -1).astype(np.float32) / np.float32(255))
    y_all = np.zeros((n, 10), dtype=np.float32)
    y_all[np.arange(n), labels[:n]] = 1

    sizes = [x_all.shape[1], 30, 10]
    rng = np.random.default_rng(args.seed)
    # Nielsen's initialisation: standard normal weights (out, in) and biases.
    weights = [rng.standard_normal((o, i)).astype(np.float32)
               for i, o in zip(sizes[:-1], sizes[1:])]
    biases = [rng.standard_normal(o).astype(np.float32) for o in sizes[1:]]
    learning_rate, batch = 3.0, 10
    w1, w2 = weights
    b1, b2 = biases

    def epoch():
        nonlocal w1, w2, b1, b2
        order = rng.permutation(n)
        for start in range(0, n, batch):
            index = order[start : start + batch]
            x, y = x_all[index], y_all[index]
            step = np.float32(learning_rate / len(index))
            # Forward: rows are images.
            a1 = sigmoid(x @ w1.T + b1)
            a2 = sigmoid(a1 @ w2.T + b2)
            # Backward: quadratic cost, so δ = (a − y) σ'(z).
            d2 = (a2 - y) * a2 * (1 - a2)
            d1 = (d2 @ w2) * a1 * (1 - a1)
            # Update in place (the gradients are summed over the batch).
            w2 -= step * (d2.T @ a1)
            b2 -= step * d2.sum(axis=0)
            w1 -= step * (d1.T @ x)
            b1 -= step * d1.sum(axis=0)

    start = time.perf_counter()
    epoch()
    warmup = time.perf_counter() - start
    timings = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        epoch()
        timings.append(time.perf_counter() - start)

    assert all(w.dtype == np.float32 for w in (w1, w2, b1, b2))
    # Training-set accuracy of the first 10,000 images: a check that it learnt.
    m = min(n, 10_000)
    guess = np.argmax(sigmoid(sigmoid(x_all[:m] @ w1.T + b1) @ w2.T + b2), axis=1)
    accuracy = float(np.mean(guess == labels[:m]))

    print(json.dumps({
        "seconds_per_epoch": float(np.median(timings)),
        "epoch_seconds": timings,
        "warmup_seconds": warmup,
        "images": n,
        "batch": batch,
        "sizes": sizes,
        "dtype": "float32",
        "training_accuracy": accuracy,
        "numpy": np.__version__,
        # ru_maxrss is in kilobytes on Linux.
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "python": sys.version.split()[0],
        "threads": {k: os.environ.get(k) for k in
                    ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")},
    }))


if __name__ == "__main__":
    main()
