"""Writes kfold.json: scikit-learn's KFold(shuffle=True) indices, to check Bottleneck's KFold against.

Re-run with /usr/bin/python3 generate_kfold_fixtures.py in this folder (needs python3-sklearn).
"""
import json
import numpy as np
import sklearn
from sklearn.model_selection import KFold

cases = []
for n, k, seed in [(10, 3, 0), (17, 4, 42), (1000, 3, 123456)]:
    folds = [{"train": tr.tolist(), "validation": va.tolist()}
             for tr, va in KFold(n_splits=k, shuffle=True, random_state=seed).split(np.arange(n))]
    cases.append({"n": n, "k": k, "seed": seed, "folds": folds})
with open("kfold.json", "w") as f:
    json.dump({"generator": "generate_kfold_fixtures.py", "sklearn": sklearn.__version__, "numpy": np.__version__,
               "cases": cases}, f)
