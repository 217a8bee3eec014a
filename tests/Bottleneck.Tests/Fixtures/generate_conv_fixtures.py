"""Reference fixtures for Bottleneck's convolutional layers and study B's lab model.

Writes, next to this script:
  conv_layers.json        - forward/backward of Conv2d, ConvTranspose2d, BatchNorm1d/2d
  lab_torch.safetensors   - the lab autoencoder's initial weights (torch.manual_seed(0),
                            PyTorch default init, code size 20), written by safetensors_f32.py
  lab_model.json          - one forward/backward pass of that model on a fixed input batch

Re-run (deterministic, fixed seeds) from this folder with:
    /usr/bin/python3 generate_conv_fixtures.py

Conventions (as generate_fixtures.py): every tensor is float32, stored flattened in
row-major order as {"shape": [...], "data": [...]}, and the JSON numbers are the exact
float32 values.  Weight layouts are PyTorch's: Conv2d [Cout, Cin, k, k],
ConvTranspose2d [Cin, Cout, k, k].

conv_layers.json: {"generator", "torch", "cases": [...]}, each case
  {"name", "layer" (conv2d | conv_transpose2d | batchnorm1d | batchnorm2d), "args",
   "x", "dy", "y", "dx", "weight", "dweight", and "bias", "dbias" unless args.bias is false}.
  conv args: in_channels, out_channels, kernel_size, stride, padding, bias, and for
  conv_transpose2d output_padding.  batchnorm args: num_features, eps, momentum; such a
  case also has "training" and the running statistics before and after the forward pass:
  "running_mean_before", "running_var_before", "running_mean", "running_var".
  The layers' inputs (x, dy, weights, biases, running statistics) are multiples of 1/64,
  so they print short and exact and the file stays small; outputs are full float32.

lab_model.json: {"generator", "torch", "model", "code_size", "names" (state_dict order),
  "parameters": {name: {"shape", "sum", "first"}} (to check lab_torch.safetensors was read
  right: float64 sum and the first 4 values), "x" [4,1,28,28] uniform [0,1), "z" (encoder
  output) [4,20], "y" [4,1,28,28], "loss" (MSE of y against x, mean over all values),
  "grads": {name: d loss / d parameter}}.
"""
import json
import os

import torch
import torch.nn.functional as F

import safetensors_f32
from lab_autoencoder import LabAutoencoder

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = {"generator": "generate_conv_fixtures.py", "torch": torch.__version__}
BATCH = 3  # study B's layer shapes, a batch of 3


def flat(t):
    return t.detach().to(torch.float32).reshape(-1).tolist()


def entry(t):
    return {"shape": list(t.shape), "data": flat(t)}


def write(name, payload):
    path = os.path.join(HERE, name)
    with open(path, "w") as f:
        json.dump({**HEADER, **payload}, f, separators=(",", ":"))
    print(f"{name}: {os.path.getsize(path) / 1024:.1f} KB")


def sixty_fourths(t):
    """Rounds to a multiple of 1/64: exact in float32 and at most ~9 characters in JSON."""
    return torch.round(t * 64) / 64


def normal(shape, gen, scale=1.0, shift=0.0):
    return sixty_fourths(torch.randn(shape, generator=gen) * scale + shift)


def uniform(shape, gen, low, high):
    return sixty_fourths(torch.rand(shape, generator=gen) * (high - low) + low)


def run_case(name, layer, module, args, x, gen, **extra):
    """Forward x, backward a random dy, and record everything the layer saw and produced."""
    x = x.clone().requires_grad_()
    y = module(x)
    dy = normal(y.shape, gen)
    y.backward(dy)
    case = {"name": name, "layer": layer, "args": args, **extra,
            "x": entry(x), "dy": entry(dy), "y": entry(y), "dx": entry(x.grad)}
    for pname in ("weight", "bias"):
        p = getattr(module, pname)
        if p is not None:
            case[pname] = entry(p)
            case["d" + pname] = entry(p.grad)
    return case


def set_parameters(module, gen):
    with torch.no_grad():
        module.weight.copy_(normal(module.weight.shape, gen, scale=0.5))
        if module.bias is not None:
            module.bias.copy_(normal(module.bias.shape, gen, scale=0.5))


# (name, transposed, Cin, Cout, k, stride, padding, output_padding, bias, input size)
CONV_CASES = [
    # study B's encoder: 28 -> 14 -> 7 -> 3
    ("conv2d_1_8_k3s2p1_28", False, 1, 8, 3, 2, 1, 0, True, 28),
    ("conv2d_8_16_k3s2p1_14", False, 8, 16, 3, 2, 1, 0, True, 14),
    ("conv2d_16_32_k3s2p0_7", False, 16, 32, 3, 2, 0, 0, True, 7),
    # study B's decoder: 3 -> 7 -> 14 -> 28
    ("conv_transpose2d_32_16_k3s2p0op0_3", True, 32, 16, 3, 2, 0, 0, True, 3),
    ("conv_transpose2d_16_8_k3s2p1op1_7", True, 16, 8, 3, 2, 1, 1, True, 7),
    ("conv_transpose2d_8_1_k3s2p1op1_14", True, 8, 1, 3, 2, 1, 1, True, 14),
    # no bias, 5x5 kernel, stride 1, 'same' padding: 9 -> 9
    ("conv2d_3_4_k5s1p2_nobias_9", False, 3, 4, 5, 1, 2, 0, False, 9),
    # odd geometry, kernel not a multiple of the stride, output_padding 2: 5 -> 16
    ("conv_transpose2d_2_3_k4s3p1op2_5", True, 2, 3, 4, 3, 1, 2, True, 5),
]


def conv_cases(gen):
    cases = []
    for name, transposed, cin, cout, k, stride, pad, out_pad, bias, size in CONV_CASES:
        args = {"in_channels": cin, "out_channels": cout, "kernel_size": k, "stride": stride,
                "padding": pad, "bias": bias}
        if transposed:
            args["output_padding"] = out_pad
            module = torch.nn.ConvTranspose2d(cin, cout, k, stride, pad, out_pad, bias=bias)
        else:
            module = torch.nn.Conv2d(cin, cout, k, stride, pad, bias=bias)
        set_parameters(module, gen)
        x = normal((BATCH, cin, size, size), gen)
        layer = "conv_transpose2d" if transposed else "conv2d"
        cases.append(run_case(name, layer, module, args, x, gen))
    return cases


def batchnorm_cases(gen):
    cases = []
    for layer, cls, shape in [("batchnorm1d", torch.nn.BatchNorm1d, (5, 6)),
                              ("batchnorm2d", torch.nn.BatchNorm2d, (3, 4, 5, 5))]:
        channels = shape[1]
        for training in (True, False):
            module = cls(channels)  # PyTorch defaults: eps 1e-5, momentum 0.1, affine
            with torch.no_grad():
                module.weight.copy_(uniform(channels, gen, 0.5, 1.5))
                module.bias.copy_(normal(channels, gen, scale=0.5))
                module.running_mean.copy_(normal(channels, gen, scale=0.5))
                module.running_var.copy_(uniform(channels, gen, 0.5, 2.0))
            before = {"running_mean_before": entry(module.running_mean.clone()),
                      "running_var_before": entry(module.running_var.clone())}
            module.train(training)
            # Per-channel offsets and scales, so that normalising actually moves the data.
            view = (1, channels) + (1,) * (len(shape) - 2)
            x = normal(shape, gen) * uniform(channels, gen, 0.5, 3.0).view(view) \
                + normal(channels, gen, scale=2.0).view(view)
            x = sixty_fourths(x)
            args = {"num_features": channels, "eps": module.eps, "momentum": module.momentum}
            case = run_case(f"{layer}_{'train' if training else 'eval'}", layer, module, args,
                            x, gen, training=training, **before)
            case["running_mean"] = entry(module.running_mean)
            case["running_var"] = entry(module.running_var)
            cases.append(case)
    return cases


def make_conv_layers():
    gen = torch.Generator().manual_seed(3)
    write("conv_layers.json", {"cases": conv_cases(gen) + batchnorm_cases(gen)})


def make_lab_model(code_size=20):
    torch.manual_seed(0)  # as torch_study_b.py: the model is the first user of the global generator
    model = LabAutoencoder(code_size)
    state = model.state_dict()
    safetensors_f32.write(os.path.join(HERE, "lab_torch.safetensors"), state,
                          {"written_by": "pytorch fixture generator"})
    print(f"lab_torch.safetensors: {os.path.getsize(os.path.join(HERE, 'lab_torch.safetensors')) / 1024:.1f} KB")

    x = torch.rand(4, 1, 28, 28, generator=torch.Generator().manual_seed(1))
    z = model.encoder(x)
    y = model.decoder(z)
    loss = F.mse_loss(y, x)
    loss.backward()
    params = dict(model.named_parameters())
    write("lab_model.json", {
        "model": "LabAutoencoder in lab_autoencoder.py (study B's lab architecture); "
                 "torch.manual_seed(0), PyTorch default init; loss = mse_loss(y, x)",
        "code_size": code_size,
        "names": list(state),
        "parameters": {k: {"shape": list(v.shape), "sum": v.double().sum().item(),
                           "first": flat(v.reshape(-1)[:4])} for k, v in state.items()},
        "x": entry(x), "z": entry(z), "y": entry(y), "loss": loss.item(),
        "grads": {k: entry(params[k].grad) for k in state},
    })


if __name__ == "__main__":
    make_conv_layers()
    make_lab_model()
