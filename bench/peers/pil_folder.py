"""Peer for `bench images`: loads every PNG/JPEG of an ImageFolder-style tree with PIL (what torchvision's
ImageFolder does per image: open, convert, to a float array in [0, 1]), single process, and prints images/s.
Usage: pil_folder.py DIR"""
import os
import sys
import time

import numpy as np
from PIL import Image

root = sys.argv[1]
files = [os.path.join(d, f) for d, _, names in sorted(os.walk(root)) for f in sorted(names) if f.endswith((".png", ".jpg"))]
start = time.perf_counter()
arrays = [np.asarray(Image.open(f).convert("L"), dtype=np.float32) / 255 for f in files]
x = np.stack(arrays)
seconds = time.perf_counter() - start
print(f"images={len(files)} seconds={seconds:.4f} images_per_s={len(files) / seconds:.0f}")
