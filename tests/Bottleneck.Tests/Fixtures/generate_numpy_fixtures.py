"""Writes the .npy/.npz fixtures with numpy itself, and expected.json with the values each holds in C order.

Run with Debian's numpy (apt-get install python3-numpy): /usr/bin/python3 generate_numpy_fixtures.py
"""
import json
import os

import numpy as np

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "numpy")
os.makedirs(here, exist_ok=True)
rng = np.random.default_rng(7)
expected = {}


def save(name, array, values=None):
    np.save(os.path.join(here, name), array)
    v = array.astype(np.float64) / 255 if array.dtype == np.uint8 else array.astype(np.float64)
    expected[name] = {"shape": list(array.shape), "values": (values if values is not None else v).ravel(order="C").tolist()}


images = rng.integers(0, 256, size=(5, 4, 3), dtype=np.uint8)
save("u1_images.npy", images)                                             # [n, H, W] uint8, C order
save("f4_fortran.npy", np.asfortranarray(rng.normal(size=(6, 5)).astype(np.float32)))
save("f8_big.npy", rng.normal(size=(4, 3)).astype(">f8"))                 # big-endian float64
save("i2_chw.npy", rng.integers(-300, 300, size=(3, 2, 3, 4)).astype("<i2"))  # [n, C, H, W]
save("u2_big_fortran.npy", np.asfortranarray(rng.integers(0, 60000, size=(2, 3, 4)).astype(">u2")))
save("i8.npy", rng.integers(-10**6, 10**6, size=(3, 4)).astype(np.int64))
save("f2.npy", rng.normal(size=(2, 5)).astype(np.float16))
save("bool.npy", rng.integers(0, 2, size=(3, 3)).astype(bool))

for version in [(2, 0), (3, 0)]:
    array = rng.normal(size=(3, 2)).astype(np.float32)
    name = f"f4_v{version[0]}.npy"
    with open(os.path.join(here, name), "wb") as f:
        np.lib.format.write_array(f, array, version=version)
    expected[name] = {"shape": list(array.shape), "values": array.astype(np.float64).ravel().tolist()}

x = rng.integers(0, 256, size=(8, 6), dtype=np.uint8)
y = np.arange(8) % 3
x_test = rng.integers(0, 256, size=(4, 6), dtype=np.uint8)
y_test = (np.arange(4) % 3).astype(np.uint8)
np.savez(os.path.join(here, "split.npz"), x=x, y=y, x_test=x_test, y_test=y_test)                # stored
np.savez_compressed(os.path.join(here, "named.npz"), images=x, labels=y.reshape(-1, 1))      # deflated, other names
expected["split.npz"] = {"x": (x / 255).ravel().tolist(), "y": y.tolist(), "x_test": (x_test / 255).ravel().tolist(), "y_test": y_test.tolist()}
expected["named.npz"] = {"x": (x / 255).ravel().tolist(), "y": y.tolist()}

np.save(os.path.join(here, "object.npy"), np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
np.save(os.path.join(here, "structured.npy"), np.zeros(3, dtype=[("a", "<f4"), ("b", "<i4")]))
np.save(os.path.join(here, "strings.npy"), np.array(["ab", "cd"]))

with open(os.path.join(here, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1)
