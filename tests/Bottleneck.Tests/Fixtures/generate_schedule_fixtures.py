"""Reference fixtures for Bottleneck's learning-rate schedules.

Writes, next to this script:
  schedules.json  - the learning rate PyTorch's torch.optim.lr_scheduler sets after each
                    epoch's scheduler.step() / scheduler.step(metric)

Re-run (deterministic: no randomness) from this folder with:
    /usr/bin/python3 generate_schedule_fixtures.py

schedules.json: {"generator", "torch", "cases": [...]}, each case
  {"name", "kind" (plateau | step | exponential | cosine), "args" (the scheduler's
   PyTorch keyword arguments, all of them, defaults included), "initial_lr",
   "metrics" (the validation loss of each epoch; only plateau reads it),
   "lrs" (optimizer.param_groups[0]['lr'] after that epoch's scheduler step)}.
Each epoch runs optimizer.step() (SGD on a dummy parameter, zero gradient) and then the
scheduler's step, the order PyTorch asks for. Numbers are Python floats (float64),
written by json in their shortest round-trip form.
"""
import inspect
import json
import os

import torch
from torch.optim import lr_scheduler

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = {"generator": "generate_schedule_fixtures.py", "torch": torch.__version__}

SCHEDULERS = {
    "plateau": lr_scheduler.ReduceLROnPlateau,
    "step": lr_scheduler.StepLR,
    "exponential": lr_scheduler.ExponentialLR,
    "cosine": lr_scheduler.CosineAnnealingLR,
}
# Not schedule settings: resuming and printing.
IMPL_ARGS = {"self", "optimizer", "last_epoch", "verbose"}


def full_args(cls, overrides):
    """All constructor arguments: torch defaults, then the overrides."""
    sig = inspect.signature(cls.__init__).parameters
    args = {k: p.default for k, p in sig.items() if k not in IMPL_ARGS}
    args.update(overrides)
    missing = [k for k, v in args.items() if v is inspect.Parameter.empty]
    assert not missing, f"{cls.__name__} needs {missing}"
    return args


def schedule_case(name, kind, overrides, metrics, initial_lr=0.1):
    cls = SCHEDULERS[kind]
    args = full_args(cls, overrides)
    param = torch.zeros(2, requires_grad=True)
    opt = torch.optim.SGD([param], lr=initial_lr)
    scheduler = cls(opt, **args)
    lrs = []
    for metric in metrics:
        param.grad = torch.zeros_like(param)
        opt.step()
        if kind == "plateau":
            scheduler.step(metric)
        else:
            scheduler.step()
        lrs.append(opt.param_groups[0]["lr"])
    return {"name": name, "kind": kind, "args": args, "initial_lr": initial_lr,
            "metrics": list(metrics), "lrs": lrs}


def losses(n, start=1.0, rate=0.9):
    """A steadily falling loss, for the schedules that ignore it."""
    return [start * rate ** i for i in range(n)]


CASES = [
    # Defaults (patience 10, factor 0.1): improves for 3 epochs, then flat for 25, so the
    # 11th bad epoch reduces, and again 11 epochs later.
    ("plateau_default", "plateau", {}, [1.0, 0.9, 0.8] + [0.8] * 25),
    # Plateaus, improves by less than the relative threshold (not counted), improves
    # clearly, plateaus again; cooldown 1 ignores the epoch after a reduction, and the
    # reductions end at min_lr, after which the eps rule skips the zero-size reduction.
    ("plateau_patience2_factor0.5_cooldown1_min_lr", "plateau",
     {"patience": 2, "factor": 0.5, "cooldown": 1, "min_lr": 1e-3},
     [1.0, 1.0, 1.0, 1.0, 0.99995, 0.99992, 0.5, 0.5, 0.5, 0.5, 0.5, 0.49999, 0.5, 0.5,
      0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5], 0.01),
    # mode max: an accuracy that rises, stalls, rises by less than 0.01 %, stalls.
    ("plateau_max", "plateau", {"mode": "max", "patience": 2, "factor": 0.5},
     [0.5, 0.6, 0.7, 0.7, 0.69, 0.7, 0.70003, 0.71, 0.71, 0.71, 0.71, 0.8, 0.8, 0.8, 0.8]),
    # threshold_mode abs: only a drop of more than 0.05 below the best counts.
    ("plateau_abs", "plateau", {"threshold_mode": "abs", "threshold": 0.05, "patience": 1},
     [1.0, 0.96, 0.951, 0.9, 0.87, 0.86, 0.849, 0.84, 0.8, 0.7, 0.69, 0.68, 0.67]),
    ("plateau_max_abs", "plateau",
     {"mode": "max", "threshold_mode": "abs", "threshold": 0.05, "patience": 1},
     [0.1, 0.14, 0.16, 0.2, 0.23, 0.24, 0.26, 0.3, 0.3, 0.3]),
    # rel mode with a negative best: best·(1 − threshold) lies above best, so a slightly
    # worse value still counts as an improvement (PyTorch's rule, kept).
    ("plateau_rel_negative_metric", "plateau", {"threshold": 0.1, "patience": 1},
     [-1.0, -0.95, -0.91, -0.85, -0.8, -0.79, -0.78, -0.77]),
    # eps: the 4th reduction (1.25e-8 → 6.25e-9) is smaller than eps = 1e-8 and skipped.
    ("plateau_eps_skips_tiny_reduction", "plateau", {"patience": 0, "factor": 0.5},
     [1.0] * 8, 1e-7),
    # A NaN loss is never an improvement: it counts as a bad epoch.
    ("plateau_nan_metric", "plateau", {"patience": 1, "factor": 0.5},
     [1.0, float("nan"), float("nan"), 0.5, float("nan"), float("nan"), 0.4]),
    ("step_3_gamma0.5", "step", {"step_size": 3, "gamma": 0.5}, losses(10)),
    ("step_2_gamma0.1", "step", {"step_size": 2}, losses(12)),
    ("exponential_0.9", "exponential", {"gamma": 0.9}, losses(20)),
    ("cosine_t10_eta1e-4", "cosine", {"T_max": 10, "eta_min": 1e-4}, losses(25)),
    ("cosine_t3", "cosine", {"T_max": 3}, losses(13)),
    ("cosine_t50_lr1e-3", "cosine", {"T_max": 50, "eta_min": 1e-6}, losses(120), 1e-3),
]


def make_schedules():
    path = os.path.join(HERE, "schedules.json")
    cases = [schedule_case(*c) for c in CASES]
    with open(path, "w") as f:
        # NaN metrics are written as JSON strings "NaN" (json's bare NaN is not JSON).
        for c in cases:
            c["metrics"] = [m if m == m else "NaN" for m in c["metrics"]]
        json.dump({**HEADER, "cases": cases}, f, separators=(",", ":"), allow_nan=False)
    print(f"schedules.json: {os.path.getsize(path) / 1024:.1f} KB")
    for c in cases:
        print(f"  {c['name']}: {c['lrs']}")


if __name__ == "__main__":
    make_schedules()
