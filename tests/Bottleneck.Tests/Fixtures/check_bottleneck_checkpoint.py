"""Proves that a checkpoint written by Bottleneck loads and runs in PyTorch.

usage: /usr/bin/python3 check_bottleneck_checkpoint.py CHECKPOINT [EXPECTED.json]

Reads CHECKPOINT (safetensors, parsed strictly by safetensors_f32.py), loads it into the
lab autoencoder (lab_autoencoder.py; the code size is read from encoder.9.weight) with
strict=True, so every state_dict name and shape must match, and runs the input batch x
of lab_model.json (next to this script).
  - With EXPECTED.json ({"y": {"shape": [...], "data": [...]}}, e.g. Bottleneck's own
    output for that x): prints the largest absolute difference between torch's y and it.
  - Without: prints y's shape and checksums (sum and sum of squares, in float64).
Exit code 0 when the checkpoint loaded, 1 (with the reason on stderr) when it did not.
"""
import json
import os
import sys

import torch

import safetensors_f32
from lab_autoencoder import LabAutoencoder

HERE = os.path.dirname(os.path.abspath(__file__))


def tensor(e):
    return torch.tensor(e["data"], dtype=torch.float32).reshape(e["shape"])


def load(path):
    tensors, metadata = safetensors_f32.read(path)
    if "encoder.9.weight" not in tensors:
        raise ValueError(f"{path} has no encoder.9.weight, so it is not a lab autoencoder")
    model = LabAutoencoder(code_size=tensors["encoder.9.weight"].shape[0])
    expected = model.state_dict()
    for name in sorted(set(expected) | set(tensors)):
        if name not in tensors:
            raise ValueError(f"{path} is missing {name}")
        if name not in expected:
            raise ValueError(f"{path} holds {name}, which the lab autoencoder does not have")
        if tensors[name].shape != expected[name].shape:
            raise ValueError(f"{path}: {name} has shape {list(tensors[name].shape)}, "
                             f"expected {list(expected[name].shape)}")
    model.load_state_dict(tensors, strict=True)
    return model.eval(), metadata


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        model, metadata = load(argv[1])
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    with open(os.path.join(HERE, "lab_model.json")) as f:
        x = tensor(json.load(f)["x"])
    with torch.no_grad():
        y = model(x)
    print(f"loaded {argv[1]}: {sum(p.numel() for p in model.parameters())} parameters, "
          f"metadata keys {sorted(metadata)}")
    if len(argv) == 3:
        with open(argv[2]) as f:
            expected = tensor(json.load(f)["y"])
        if expected.shape != y.shape:
            print(f"error: expected y has shape {list(expected.shape)}, torch gives {list(y.shape)}",
                  file=sys.stderr)
            return 1
        print(f"max_abs_diff {(y - expected).abs().max().item():.3e}")
    else:
        y64 = y.double()
        print(f"y shape {list(y.shape)} sum {y64.sum().item():.9g} sum_sq {(y64 * y64).sum().item():.9g}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
