"""Training and pruning on data larger than memory: a memory-mapped file.

Writes 10 million rows of 100 float32 features (3.7 GiB, generated as in
``bench_memory.py``) to a file in a temporary directory, opens it with
``np.load(..., mmap_mode="r")``, and then, with a (64, 32) ReLU
``PrunableMLPClassifier``:

1. trains one epoch by ``partial_fit`` over chunks of 200,000 rows;
2. predicts every row;
3. prunes the network one-shot to 90% with layer-wise OBS
   (``prefit=True, retrain_iter=0``), reading all rows.

For each step: its time, the peak of the process's anonymous resident memory
(``RssAnon`` of ``/proc/self/status``, sampled every 5 ms: the arrays the
step allocates) and the peak of its NumPy allocations (``tracemalloc``). The
pages of the file that a step reads are page cache, which the kernel drops
when memory is short; they are not counted. The file is deleted at the end.

Run:  python benchmarks/bench_memmap.py [--rows 10000000]
"""

import argparse
import os
import tempfile
import threading
import time
import tracemalloc
import warnings

import numpy as np

from skprune import OBSPruner, PrunableMLPClassifier

from _common import print_table

CHUNK = 200_000


def rss_anon_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class PeakMemory:
    """Peak anonymous resident memory while the block runs, sampled by a thread."""

    def __enter__(self):
        self.peak, self._running = rss_anon_mb(), True
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        tracemalloc.start()
        return self

    def _sample(self):
        while self._running:
            self.peak = max(self.peak, rss_anon_mb())
            time.sleep(0.005)

    def __exit__(self, *exc):
        self.traced = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        self._running = False
        self._thread.join()
        self.peak = max(self.peak, rss_anon_mb())


def write_data(path, n_rows, seed=0):
    """The rows, written chunk by chunk; the labels (int32) stay in memory."""
    rng = np.random.RandomState(seed)
    centres = rng.randn(10, 100).astype(np.float32)
    X = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n_rows, 100))
    y = rng.randint(10, size=n_rows).astype(np.int32)
    for start in range(0, n_rows, CHUNK):
        rows = slice(start, min(start + CHUNK, n_rows))
        X[rows] = rng.randn(rows.stop - rows.start, 100).astype(np.float32) + centres[y[rows]]
    X.flush()
    del X
    return y


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "X.npy")
        y = write_data(path, args.rows)
        X = np.load(path, mmap_mode="r")
        file_mb = X.size * X.itemsize / 2**20
        network = PrunableMLPClassifier((64, 32), batch_size=512, random_state=0)

        def partial_fit_epoch():
            for start in range(0, args.rows, CHUNK):
                rows = slice(start, start + CHUNK)
                network.partial_fit(X[rows], y[rows], classes=np.arange(10))

        steps = {
            "partial_fit, one epoch in chunks": partial_fit_epoch,
            "predict, every row": lambda: network.predict(X),
            "OBSPruner layer-wise, one-shot 90%": lambda: OBSPruner(
                network, method="layerwise", sparsity=0.9, prefit=True, retrain_iter=0,
            ).fit(X, y),
        }
        rows = []
        baseline = rss_anon_mb()
        for name, step in steps.items():
            start = time.perf_counter()
            with PeakMemory() as memory:
                step()
            seconds = time.perf_counter() - start
            rows.append([name, f"{seconds:.1f}", f"{memory.peak:,.0f}",
                         f"{memory.peak - baseline:,.0f}", f"{memory.traced:,.0f}"])
    print(f"{args.rows:,} rows x 100 features, float32, memory-mapped ({file_mb:,.0f} MiB "
          f"file); labels in memory ({y.nbytes / 2**20:,.0f} MiB); (64, 32) network\n")
    print_table(["step", "seconds", "peak RssAnon (MiB)", "above start (MiB)",
                 "NumPy peak (MiB)"], rows)


if __name__ == "__main__":
    main()
