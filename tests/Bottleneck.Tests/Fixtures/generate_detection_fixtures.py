# Writes detection.json: scikit-learn 1.2 references for Bottleneck.Analysis.DetectionMetrics (ROC AUC, average
# precision and the ROC curve of anomaly scores), on random scores, on scores with many ties, and on a perfect and an
# inverted ranking. Run with scikit-learn 1.2 and numpy: /usr/bin/python3 generate_detection_fixtures.py
import json
import numpy as np
import sklearn
from sklearn.metrics import average_precision_score, roc_auc_score, roc_curve

rng = np.random.RandomState(3)
cases = []

def case(name, scores, positive):
    scores = np.asarray(scores, dtype=np.float64)
    positive = np.asarray(positive, dtype=bool)
    fpr, tpr, _ = roc_curve(positive, scores, drop_intermediate=False)
    cases.append({
        "name": name,
        "scores": [float(s) for s in scores],
        "positive": [bool(p) for p in positive],
        "auc": float(roc_auc_score(positive, scores)),
        "average_precision": float(average_precision_score(positive, scores)),
        "fpr": [float(v) for v in fpr],
        "tpr": [float(v) for v in tpr],
    })

n = 200
positive = rng.rand(n) < 0.3
case("random_overlapping", rng.normal(size=n) + 0.8 * positive, positive)
case("many_ties", np.round(rng.normal(size=n) + positive, 1), positive)
case("perfect", np.arange(10, dtype=np.float64), [False] * 5 + [True] * 5)
case("inverted", np.arange(10, dtype=np.float64), [True] * 5 + [False] * 5)
case("all_tied", np.ones(8), [True, False] * 4)

with open("detection.json", "w") as f:
    json.dump({"sklearn": sklearn.__version__, "cases": cases}, f, separators=(",", ":"))
    f.write("\n")
