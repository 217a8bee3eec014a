"""Reads and writes float32 safetensors files with struct + json only.

The format (https://github.com/huggingface/safetensors): an unsigned 64-bit little-endian
header length N, N bytes of UTF-8 JSON {"__metadata__": {str: str}, name: {"dtype": "F32",
"shape": [...], "data_offsets": [begin, end]}, ...}, then the raw little-endian tensor
bytes, offsets relative to the end of the header.  Like the reference writer, tensors go
in name order (they are all F32, so its dtype-alignment key never decides), the header is
compact JSON with __metadata__ first, padded with spaces to a multiple of 8 bytes.
The reader is strict (it checks what the reference reader checks) because its purpose
here is to prove that a file written by Bottleneck is valid.
"""
import json
import struct

import numpy as np
import torch

MAX_HEADER = 100_000_000  # the reference implementation's limit


def write(path, tensors, metadata=None):
    """tensors: {name: float32 tensor}; metadata: {str: str} or None."""
    header, chunks, offset = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = {k: metadata[k] for k in sorted(metadata)}
    for name in sorted(tensors):
        t = tensors[name]
        assert t.dtype == torch.float32, f"{name} is {t.dtype}, only float32 is written"
        raw = t.detach().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)


def read(path):
    """Returns ({name: float32 tensor}, {str: str}); raises ValueError naming the problem."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise ValueError(f"{path}: {len(blob)} bytes is too short for a safetensors file")
    (n,) = struct.unpack("<Q", blob[:8])
    if n > MAX_HEADER or n > len(blob) - 8:
        raise ValueError(f"{path}: header length {n} does not fit the file ({len(blob)} bytes)")
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise ValueError(f"{path}: __metadata__ must map strings to strings")
    data = blob[8 + n:]
    tensors, end = {}, 0
    for name, info in sorted(header.items(), key=lambda item: item[1]["data_offsets"]):
        begin, stop = info["data_offsets"]
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} has dtype {info['dtype']}, expected F32")
        if begin != end:
            raise ValueError(f"{path}: tensor {name} starts at byte {begin}, expected {end}")
        count = int(np.prod(info["shape"], dtype=np.int64))
        if stop - begin != 4 * count:
            raise ValueError(f"{path}: tensor {name} spans {stop - begin} bytes, "
                             f"shape {info['shape']} needs {4 * count}")
        if stop > len(data):
            raise ValueError(f"{path}: tensor {name} ends at data byte {stop}, "
                             f"the file holds {len(data)}; it is truncated")
        values = np.frombuffer(data, dtype="<f4", count=count, offset=begin) if count else np.zeros(0, "<f4")
        tensors[name] = torch.from_numpy(values.astype(np.float32).reshape(info["shape"]))
        end = stop
    if end != len(data):
        raise ValueError(f"{path}: tensors cover {end} data bytes, the file holds {len(data)}")
    return tensors, metadata
