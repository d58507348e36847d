#!/usr/bin/env python3
"""PyTorch CPU peer for labrun-bench: chapter 6's first convolutional network.

28x28 conv5x5x20 (sigmoid) pool2, 100 sigmoid, 10 softmax with the
log-likelihood cost, plain SGD with learning rate 0.1 and mini-batches of
10, float32, on the MNIST training images read from the gzip IDX files. One
warm-up epoch, then the timed ones (shuffle, forward, backward, update; no
evaluation). Prints one JSON object on stdout.

    python3 script/bench-torch.py [DATA_DIR] [--images N] [--epochs E]
        [--threads T]

DATA_DIR holds train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz;
by default data/mnist/ of the repository this script lives in. --threads:
PyTorch's intra-op threads (2, both cores of the benchmark machine).
"""

import argparse
import importlib.util
import json
import os
import resource
import sys
import time

import numpy as np
import torch


def read_idx(path):
    """The array in a gzip IDX file: bench-numpy.py's reader."""
    spec = importlib.util.spec_from_file_location(
        "bench_numpy", os.path.join(os.path.dirname(__file__), "bench-numpy.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.read_idx(path)


class ConvNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 20, 5)
        self.hidden = torch.nn.Linear(20 * 12 * 12, 100)
        self.output = torch.nn.Linear(100, 10)

    def forward(self, x):
        x = torch.nn.functional.max_pool2d(torch.sigmoid(self.conv(x)), 2)
        x = torch.sigmoid(self.hidden(x.flatten(1)))
        return torch.nn.functional.log_softmax(self.output(x), dim=1)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "data", nargs="?", default=os.path.join(here, "..", "data", "mnist"))
    parser.add_argument("--images", type=int, default=50_000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    images = read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz"))
    n = min(args.images, len(images))
    x_all = torch.from_numpy(
        images[:n].astype(np.float32) / np.float32(255)).reshape(n, 1, 28, 28)
    y_all = torch.from_numpy(labels[:n].astype(np.int64))

    network = ConvNet()
    optimizer = torch.optim.SGD(network.parameters(), lr=0.1)
    batch = 10

    def epoch():
        order = torch.randperm(n)
        for start in range(0, n, batch):
            index = order[start : start + batch]
            optimizer.zero_grad(set_to_none=True)
            # The mean log-likelihood cost over the mini-batch.
            loss = torch.nn.functional.nll_loss(network(x_all[index]), y_all[index])
            loss.backward()
            optimizer.step()

    start = time.perf_counter()
    epoch()
    warmup = time.perf_counter() - start
    timings = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        epoch()
        timings.append(time.perf_counter() - start)

    with torch.no_grad():
        m = min(n, 10_000)
        guess = network(x_all[:m]).argmax(dim=1)
        accuracy = float((guess == y_all[:m]).float().mean())

    print(json.dumps({
        "seconds_per_epoch": float(np.median(timings)),
        "epoch_seconds": timings,
        "warmup_seconds": warmup,
        "images": n,
        "batch": batch,
        "threads": args.threads,
        "training_accuracy": accuracy,
        "torch": torch.__version__,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "python": sys.version.split()[0],
    }))


if __name__ == "__main__":
    main()
