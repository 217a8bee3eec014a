"""Reference fixtures for the Bottleneck test suite.

Writes, next to this script:
  optimizers.json     - 6 steps of each torch.optim optimizer on two parameters
  layers.json         - forward/backward of Linear and activation layers
  losses.json         - MSE, Keras-style binary cross-entropy and the L1 code penalty (value + gradient)
  split.json          - sklearn train_test_split / numpy RandomState / StandardScaler outputs
  study_a_step.json   - one Adam training step of study A's autoencoder

Re-run (deterministic, fixed seeds) from this folder with:
    /usr/bin/python3 generate_fixtures.py

Conventions: every tensor is float32 and stored flattened in row-major order as
{"shape": [...], "data": [...]}; the JSON numbers are the exact float32 values.
Linear weights use PyTorch's layout [out_features, in_features].
"""
import inspect
import json
import os

import numpy as np
import sklearn
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = {"generator": "generate_fixtures.py", "torch": torch.__version__}
KERAS_EPS = 1e-7


def flat(t):
    return t.detach().to(torch.float32).reshape(-1).tolist()


def entry(t):
    return {"shape": list(t.shape), "data": flat(t)}


def write(name, payload, **versions):
    path = os.path.join(HERE, name)
    with open(path, "w") as f:
        json.dump({**HEADER, **versions, **payload}, f, separators=(",", ":"))
    print(f"{name}: {os.path.getsize(path) / 1024:.1f} KB")


def bce_keras(pred, target, eps=KERAS_EPS):
    """mean(-(t*log(pc) + (1-t)*log(1-pc))), pc = clamp(pred, eps, 1-eps)."""
    pc = pred.clamp(eps, 1 - eps)
    return -(target * pc.log() + (1 - target) * (1 - pc).log()).mean()


# --------------------------------------------------------------------------- optimizers

OPTIMIZERS = {
    "sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
    "rmsprop": torch.optim.RMSprop, "adagrad": torch.optim.Adagrad,
    "adadelta": torch.optim.Adadelta, "adamax": torch.optim.Adamax, "nadam": torch.optim.NAdam,
}
# Implementation switches, not hyperparameters: kept out of "hyper".
IMPL_ARGS = {"self", "params", "foreach", "capturable", "differentiable", "fused"}

OPTIMIZER_CASES = [
    ("sgd_plain", "sgd", {}),
    ("sgd_momentum", "sgd", {"momentum": 0.9}),
    ("sgd_momentum_dampening", "sgd", {"momentum": 0.9, "dampening": 0.1}),
    ("sgd_nesterov_wd", "sgd", {"momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("adam_eps1e-7", "adam", {"eps": 1e-7}),
    ("adam_wd", "adam", {"weight_decay": 0.01}),
    ("adamw_wd", "adamw", {"weight_decay": 0.01}),
    ("rmsprop_alpha0.9", "rmsprop", {"alpha": 0.9, "eps": 1e-7}),
    ("rmsprop_momentum_centered_wd", "rmsprop",
     {"momentum": 0.9, "centered": True, "weight_decay": 1e-3}),
    ("adagrad_init_acc", "adagrad", {"initial_accumulator_value": 0.1, "eps": 1e-7}),
    ("adagrad_lr_decay_wd", "adagrad", {"lr_decay": 0.01, "weight_decay": 0.01}),
    ("adadelta_rho0.9", "adadelta", {"lr": 1.0, "rho": 0.9, "eps": 1e-6}),
    ("adadelta_wd", "adadelta", {"lr": 1.0, "weight_decay": 0.01}),
    ("adamax", "adamax", {}),
    ("adamax_wd", "adamax", {"weight_decay": 0.01}),
    ("nadam", "nadam", {}),
    ("nadam_wd", "nadam", {"weight_decay": 0.01}),
]


def full_hyper(cls, overrides):
    """All constructor hyperparameters: torch defaults, lr=0.01, then the overrides."""
    sig = inspect.signature(cls.__init__).parameters
    hyper = {k: p.default for k, p in sig.items() if k not in IMPL_ARGS}
    hyper["lr"] = 0.01
    hyper.update(overrides)
    return {k: list(v) if isinstance(v, tuple) else v for k, v in hyper.items()}


def optimizer_case(name, kind, overrides, steps=6):
    cls = OPTIMIZERS[kind]
    hyper = full_hyper(cls, overrides)
    # torch 1.13's default (single-tensor) NAdam has a bug: it multiplies mu into
    # mu_product twice for the exp_avg term.  The foreach path implements the
    # published algorithm (same as Keras and torch >= 2.0), so use it for NAdam.
    foreach = kind == "nadam"

    gen = torch.Generator().manual_seed(0)
    params = [torch.randn(3, 4, generator=gen), torch.randn(4, generator=gen)]
    params = [p.requires_grad_() for p in params]
    case = {"name": name, "optimizer": kind, "hyper": hyper, "torch_foreach": foreach,
            "params": [{"shape": list(p.shape), "initial": flat(p)} for p in params],
            "steps": []}
    opt = cls(params, foreach=foreach, **hyper)
    for _ in range(steps):
        grads = [torch.randn(p.shape, generator=gen) for p in params]
        for p, g in zip(params, grads):
            p.grad = g.clone()  # foreach paths may modify .grad in place
        opt.step()
        case["steps"].append({"grads": [flat(g) for g in grads],
                              "params_after": [flat(p) for p in params]})
    return case


def make_optimizers():
    write("optimizers.json", {"cases": [optimizer_case(*c) for c in OPTIMIZER_CASES]})


# --------------------------------------------------------------------------- layers

def layer_case(name, layer, module, args, x, gen, params=()):
    x = x.clone().requires_grad_()
    y = module(x)
    dy = torch.randn(y.shape, generator=gen)
    y.backward(dy)
    case = {"name": name, "layer": layer, "args": args,
            "x": entry(x), "dy": entry(dy), "y": entry(y), "dx": entry(x.grad)}
    for pname in params:
        p = getattr(module, pname)
        case[pname] = entry(p)
        case["d" + pname] = entry(p.grad)
    return case


def make_layers():
    torch.manual_seed(0)  # nn.Linear's default init uses the global generator
    gen = torch.Generator().manual_seed(1)
    cases = []
    for name, n_in, n_out, batch in [("linear_7_3", 7, 3, 5), ("linear_64_32", 64, 32, 8)]:
        lin = torch.nn.Linear(n_in, n_out)
        x = torch.randn(batch, n_in, generator=gen)
        cases.append(layer_case(name, "linear", lin,
                                {"in_features": n_in, "out_features": n_out},
                                x, gen, params=("weight", "bias")))

    activations = [
        ("relu", torch.nn.ReLU(), {}),
        ("leaky_relu", torch.nn.LeakyReLU(0.2), {"negative_slope": 0.2}),
        ("sigmoid", torch.nn.Sigmoid(), {}),
        ("tanh", torch.nn.Tanh(), {}),
    ]
    for layer, module, args in activations:
        x = torch.rand(4, 6, generator=gen) * 8 - 4  # uniform in [-4, 4)
        assert x.abs().min() > 1e-3, "keep clear of the kink at 0"
        cases.append(layer_case(layer, layer, module, args, x, gen))
    write("layers.json", {"cases": cases})


# --------------------------------------------------------------------------- losses

def loss_case(name, loss_fn, fn, pred, target, **extra):
    pred = pred.clone().requires_grad_()
    loss = fn(pred, target)
    loss.backward()
    return {"name": name, "loss_fn": loss_fn, **extra, "pred": entry(pred),
            "target": entry(target), "loss": loss.item(), "grad": entry(pred.grad)}


def make_losses():
    gen = torch.Generator().manual_seed(2)
    mse = torch.nn.functional.mse_loss  # reduction="mean"
    cases = [loss_case("mse", "mse", mse,
                       torch.randn(4, 6, generator=gen), torch.randn(4, 6, generator=gen))]

    # Plain case: targets in {0, 1}, predictions well inside (0, 1).
    pred = torch.rand(4, 6, generator=gen) * 0.98 + 0.01
    target = (torch.rand(4, 6, generator=gen) > 0.5).float()
    cases.append(loss_case("bce_keras_binary_targets", "bce_keras", bce_keras, pred, target,
                           epsilon=KERAS_EPS))

    # Edge case: standardized (out of [0,1]) targets and predictions on/beyond the clip.
    pred = torch.rand(4, 6, generator=gen)
    pred.view(-1)[:8] = torch.tensor([0.0, 1e-9, 1e-7, 5e-8, 1.0, 1 - 1e-9, 1 - 1e-7, 1 - 1e-8])
    target = torch.randn(4, 6, generator=gen) * 1.5
    target.view(-1)[:4] = torch.tensor([-1.3, 2.1, 0.0, 1.0])
    cases.append(loss_case("bce_keras_clipped_standardized", "bce_keras", bce_keras,
                           pred, target, epsilon=KERAS_EPS))

    # A sparse autoencoder's L1 activity penalty on a code z (target unused); one exact zero, where d|z|/dz = 0.
    code = torch.randn(4, 6, generator=gen)
    code.view(-1)[0] = 0.0
    lam = 0.03
    cases.append(loss_case("code_l1", "code_l1", lambda z, _: lam * z.abs().mean(), code, torch.zeros(4, 6),
                           **{"lambda": lam}))
    write("losses.json", {"cases": cases})


# --------------------------------------------------------------------------- split

def make_split():
    tts = []
    for n, test_size, seed in [(1797, 0.25, 42), (10, 0.3, 0), (100, 0.2, 7),
                               (1000, 0.25, 123456789)]:
        train, test = train_test_split(np.arange(n), test_size=test_size, random_state=seed)
        tts.append({"n": n, "test_size": test_size, "random_state": seed,
                    "train": train.tolist(), "test": test.tolist()})
    perms = [{"seed": seed, "n": n, "values": np.random.RandomState(seed).permutation(n).tolist()}
             for seed, n in [(42, 20), (0, 1000)]]
    sample = {"seed": 42, "values": np.random.RandomState(42).random_sample(10).tolist()}
    scaler = StandardScaler().fit(load_digits().data)
    write("split.json", {
        "train_test_split": tts,
        "permutation": perms,
        "random_sample": sample,
        "standard_scaler_digits": {"n_samples": int(scaler.n_samples_seen_),
                                   "mean": scaler.mean_.tolist(),
                                   "scale": scaler.scale_.tolist()},
    }, sklearn=sklearn.__version__, numpy=np.__version__)


# --------------------------------------------------------------------------- study A

def make_study_a_step():
    torch.manual_seed(0)
    w1 = torch.nn.init.xavier_uniform_(torch.empty(32, 64))
    w2 = torch.nn.init.xavier_uniform_(torch.empty(64, 32))
    b1, b2 = torch.zeros(32), torch.zeros(64)
    params = {"w1": w1, "b1": b1, "w2": w2, "b2": b2}
    initial = {k: entry(v) for k, v in params.items()}
    for p in params.values():
        p.requires_grad_()

    digits = StandardScaler().fit_transform(load_digits().data)  # float64
    x = torch.from_numpy(digits[:16]).to(torch.float32)

    y = torch.sigmoid(torch.relu(x @ w1.T + b1) @ w2.T + b2)
    loss = bce_keras(y, x)
    loss.backward()
    grads = {"d" + k: entry(p.grad) for k, p in params.items()}

    hyper = {"lr": 1e-3, "betas": [0.9, 0.999], "eps": 1e-7, "weight_decay": 0, "amsgrad": False}
    torch.optim.Adam(params.values(), foreach=False, **hyper).step()
    after = {k: entry(p) for k, p in params.items()}

    write("study_a_step.json", {
        "model": "y = sigmoid(relu(x @ w1.T + b1) @ w2.T + b2); target = x",
        "loss_fn": "bce_keras", "epsilon": KERAS_EPS, "adam": hyper,
        **initial, "x": entry(x), "y": entry(y), "loss": loss.item(),
        **grads, "after": after,
    }, sklearn=sklearn.__version__, numpy=np.__version__)


if __name__ == "__main__":
    make_optimizers()
    make_layers()
    make_losses()
    make_split()
    make_study_a_step()
