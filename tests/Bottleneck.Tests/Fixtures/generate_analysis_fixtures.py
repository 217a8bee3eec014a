# Writes analysis.json: scikit-learn 1.2 references for Bottleneck.Analysis (PCA on the
# digits, trustworthiness on a small random map, t-SNE KL divergence on the standardized
# digits). Run with scikit-learn 1.2 and numpy: python3 generate_analysis_fixtures.py
import json, time
import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, trustworthiness
from sklearn.preprocessing import StandardScaler

def r(a, digits=8):
    return [float(f"{v:.{digits}g}") for v in np.asarray(a, dtype=np.float64).ravel()]

digits = load_digits()
x = digits.data.astype(np.float64)
out = {"sklearn": sklearn.__version__, "cases": []}

# PCA, full SVD solver: components after svd_flip (u-based in 1.2), explained variance.
k = 10
pca = PCA(n_components=k, svd_solver="full").fit(x)
z = pca.transform(x[:5])
out["cases"].append({
    "name": "pca_digits", "components": k,
    "explained_variance": r(pca.explained_variance_, 12),
    "explained_variance_ratio": r(pca.explained_variance_ratio_, 12),
    "mean": r(pca.mean_, 12),
    "rows": {"shape": [k, 64], "data": r(pca.components_, 10)},
    "transformed_first5": {"shape": [5, k], "data": r(z, 10)},
})

# Trustworthiness of a noisy 2-D map of 60 points in 6-D, for k = 5 (default) and k = 3.
rng = np.random.RandomState(7)
tx = rng.normal(size=(60, 6))
te = tx[:, :2] + 0.5 * rng.normal(size=(60, 2))
out["cases"].append({
    "name": "trustworthiness_small",
    "x": {"shape": [60, 6], "data": r(tx, 12)},
    "embedded": {"shape": [60, 2], "data": r(te, 12)},
    "k5": float(trustworthiness(tx, te, n_neighbors=5)),
    "k3": float(trustworthiness(tx, te, n_neighbors=3)),
})

# t-SNE of the standardized digits: Barnes-Hut (the default), perplexity 30, PCA init, lr auto.
xs = StandardScaler().fit_transform(x)
t0 = time.perf_counter()
ts = TSNE(2, perplexity=30, init="pca", learning_rate="auto", random_state=0, method="barnes_hut")
ts.fit_transform(xs)
bh_s = time.perf_counter() - t0
out["cases"].append({
    "name": "tsne_digits_standardized", "method": "barnes_hut", "perplexity": 30,
    "kl_divergence": float(ts.kl_divergence_), "n_iter": int(ts.n_iter_), "seconds": round(bh_s, 2),
})
# Exact and Barnes-Hut t-SNE of five disjoint sets of 300 standardized digits. One small map's
# KL moves by several percent with any change in rounding (the descent is chaotic), so the
# tests compare means over the five sets.
for s in range(5):
    for method in ("exact", "barnes_hut"):
        ts = TSNE(2, perplexity=30, init="pca", learning_rate="auto", random_state=0, method=method)
        ts.fit_transform(xs[300 * s:300 * (s + 1)])
        out["cases"].append({"name": f"tsne_digits300_set{s}_{method}", "method": method, "perplexity": 30,
                             "first_row": 300 * s, "rows": 300,
                             "kl_divergence": float(ts.kl_divergence_), "n_iter": int(ts.n_iter_)})

# Perplexity calibration: scikit-learn's _binary_search_perplexity on the squared distances
# (float32, as TSNE passes them) from 10 random 4-D points to their 7 nearest neighbours,
# perplexity 3. It returns only the conditional P; the precisions are recovered from it as
# beta_i = ln(p_i0 / p_iK) / (d_iK - d_i0) (nearest vs farthest neighbour).
from sklearn.manifold._utils import _binary_search_perplexity
rng = np.random.RandomState(11)
px = rng.normal(size=(10, 4))
pd = ((px[:, None, :] - px[None, :, :]) ** 2).sum(-1)
np.fill_diagonal(pd, np.inf)
order = np.argsort(pd, axis=1)[:, :7]
sq = np.take_along_axis(pd, order, axis=1).astype(np.float32)
pc = _binary_search_perplexity(sq, 3.0, 0)
sq64 = sq.astype(np.float64)
betas = np.log(pc[:, 0] / pc[:, -1]) / (sq64[:, -1] - sq64[:, 0])
out["cases"].append({
    "name": "perplexity_calibration", "perplexity": 3.0,
    "squared_distances": {"shape": [10, 7], "data": [float(v) for v in sq64.ravel()]},
    "conditional": {"shape": [10, 7], "data": [float(v) for v in pc.ravel()]},
    "betas": [float(v) for v in betas],
})

with open("analysis.json", "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
