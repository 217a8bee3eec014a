"""Peer for `bench npy`: writes a 60,000 x 784 uint8 array as .npy, stored .npz and deflated .npz into DIR,
then times numpy's own np.load of each (median of 5), with and without the conversion to float32 in [0, 1]
that a training run needs. Usage: numpy_load.py DIR"""
import os
import sys
import time

import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(0)
# Image-like bytes: mostly dark with bright strokes, so deflate has something to do, as on real images.
x = np.where(rng.random((60000, 784)) < 0.5, 0, rng.integers(0, 256, (60000, 784))).astype(np.uint8)
np.save(os.path.join(out, "x.npy"), x)
np.savez(os.path.join(out, "x.npz"), x=x)
np.savez_compressed(os.path.join(out, "xc.npz"), x=x)


def median(f):
    times = []
    for _ in range(5):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return sorted(times)[2]


print(f"npy_s={median(lambda: np.load(os.path.join(out, 'x.npy'))):.4f}")
print(f"npy_float_s={median(lambda: np.load(os.path.join(out, 'x.npy')).astype(np.float32) / 255):.4f}")
print(f"npz_s={median(lambda: np.load(os.path.join(out, 'x.npz'))['x']):.4f}")
print(f"npzc_s={median(lambda: np.load(os.path.join(out, 'xc.npz'))['x']):.4f}")
