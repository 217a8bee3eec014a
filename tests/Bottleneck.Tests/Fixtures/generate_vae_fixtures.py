# Writes vae.json: one training step's loss, KL and every gradient of a small variational autoencoder in PyTorch 1.13,
# for a fixed ε, so Bottleneck's reparameterised path can be compared term by term.
#   encoder: Linear(6, 5) → ReLU → Linear(5, 2·2)   (the head gives μ and log σ² of a 2-D code)
#   z = μ + exp(½ log σ²)·ε
#   decoder: Linear(2, 5) → ReLU → Linear(5, 6) → Sigmoid
#   loss = Σ_pixels BCE(x̂, x) / B + β·KL(q(z|x) ‖ N(0, I)) / B,  KL = −½ Σ (1 + log σ² − μ² − σ²)
# and the same with MSE summed over pixels. Run with /usr/bin/python3 generate_vae_fixtures.py
import json
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)
B, D, H, K = 3, 6, 5, 2
beta = 0.7
encoder = nn.Sequential(nn.Linear(D, H), nn.ReLU(), nn.Linear(H, 2 * K))
decoder = nn.Sequential(nn.Linear(K, H), nn.ReLU(), nn.Linear(H, D), nn.Sigmoid())
x = torch.rand(B, D)
eps = torch.randn(B, K)

def entry(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1)]}

cases = []
for loss_fn in ["bce", "mse"]:
    for m in list(encoder) + list(decoder):
        if isinstance(m, nn.Linear):
            m.zero_grad()
    h = encoder(x)
    mu, logvar = h[:, :K], h[:, K:]
    z = mu + torch.exp(0.5 * logvar) * eps
    y = decoder(z)
    recon = (F.binary_cross_entropy(y, x, reduction="sum") if loss_fn == "bce" else F.mse_loss(y, x, reduction="sum")) / B
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp()) / B
    loss = recon + beta * kl
    loss.backward()
    linears = [m for m in list(encoder) + list(decoder) if isinstance(m, nn.Linear)]
    cases.append({
        "name": f"vae_{loss_fn}", "loss_fn": loss_fn, "beta": beta,
        "x": entry(x), "eps": entry(eps), "h": entry(h), "z": entry(z), "y": entry(y),
        "reconstruction": recon.item(), "kl": kl.item(), "loss": loss.item(),
        "weights": [entry(m.weight) for m in linears], "biases": [entry(m.bias) for m in linears],
        "weight_grads": [entry(m.weight.grad) for m in linears], "bias_grads": [entry(m.bias.grad) for m in linears],
    })

with open("vae.json", "w") as f:
    json.dump({"generator": "generate_vae_fixtures.py", "torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
    f.write("\n")
