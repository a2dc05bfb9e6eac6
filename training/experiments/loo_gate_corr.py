import json, sys, numpy as np
from sklearn.metrics import roc_auc_score
for f in sys.argv[1:]:
    D = json.load(open(f))["users"]
    for k, users in D.items():
        xs, ys = [], []
        for u, v in users.items():
            y = np.array(v["y"]) > 0.5
            if y.all() or (~y).all(): continue
            a1 = roc_auc_score(y, v["d"]["1.0"]); a0 = roc_auc_score(y, v["d"]["0.0"])
            xs.append(v["C"]["1.0"] - v["C"]["0.0"]); ys.append(a1 - a0)
        xs, ys = np.array(xs), np.array(ys)
        print(f, k, "users", len(xs), "target AUC1-AUC0 mean %.3f, share>0 %.2f" % (ys.mean(), (ys > 0).mean()), "corr(C1-C0, AUC1-AUC0) %.3f" % np.corrcoef(xs, ys)[0, 1])
