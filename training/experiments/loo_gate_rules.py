import json, sys, numpy as np
from sklearn.metrics import roc_auc_score
def pooled(users, pick):
    y = np.concatenate([users[u]["y"] for u in users]); d = np.concatenate([pick(u, users[u]) for u in users])
    return roc_auc_score(y > 0.5, d)
for f in sys.argv[1:]:
    D = json.load(open(f))["users"]
    for k, users in D.items():
        users = {u: v for u, v in users.items() if len(v["y"])}
        C = lambda v, s: v["C"][s]
        rules = {"s=1": lambda u, v: v["d"]["1.0"], "s=0": lambda u, v: v["d"]["0.0"], "s=.5": lambda u, v: v["d"]["0.5"]}
        for tau in (0.0, 0.05, 0.1, 0.15, 0.2):
            rules[f"s0 if C0-C1>{tau}"] = lambda u, v, t=tau: v["d"]["0.0"] if C(v, "0.0") - C(v, "1.0") > t else v["d"]["1.0"]
            rules[f".5 if C0-C1>{tau}"] = lambda u, v, t=tau: v["d"]["0.5"] if C(v, "0.0") - C(v, "1.0") > t else v["d"]["1.0"]
        out = {n: round(pooled(users, r), 4) for n, r in rules.items()}
        dc = np.array([C(v, "0.0") - C(v, "1.0") for v in users.values()])
        print(f, k, out, "C0-C1 quantiles", np.round(np.quantile(dc, [.1, .25, .5, .75, .9]), 3))
