"""Per-user gate on the graph part of the user vector, chosen by how well each reading predicts the user's own
revealed ratings left out one event at a time (leave-one-out). Experiment for issue 16 (not product code)."""
import sys, json, time
import numpy as np, torch
sys.path.insert(0, ".")  # run from the repository root
from training.config import apply_overrides, get_preset
from training.importers import import_mtbench_human
from training.recipe import fit, mix, train_mixed
from training.persona_eval import model_scores, diffs
from training.graph import build_graph, build_tensors, group_pairs
from training.train import interactions_of_groups, predict_diffs, auc
from training.evaluate import make_split, REVEAL_K, _cluster_parts

SHRINKS = (0.0, 0.5, 1.0)
DUMP = {}

@torch.no_grad()
def loo_concordance(model, T, events_of, users, k):
    """{user: {s: concordance}} of each user's first k events, each left out in turn."""
    enc = model.encoder
    out = {u: {} for u in users}
    for s in SHRINKS:
        enc.cfg.history_shrink = s
        items = {u: [] for u in users}  # (adv, rating)
        for j in range(k):
            vis = np.concatenate([np.concatenate([e for i, e in enumerate(events_of[u][:k]) if i != j]) for u in users])
            batch = np.array(users, dtype=np.int64)
            uv = model.encoder(**build_graph(T, vis, batch, torch.device("cpu")))
            held = [events_of[u][j] for u in users]
            rows = np.concatenate([[b] * len(h) for b, h in enumerate(held)]).astype(np.int64)
            idx = np.concatenate(held)
            sc = model.predictor(uv[torch.from_numpy(rows)], torch.from_numpy(T.Q[T.it_q[idx]]), torch.from_numpy(T.L)).numpy()
            adv = sc[np.arange(len(idx)), T.it_llm[idx]] - sc.mean(axis=1)
            for r, i, a in zip(rows, idx, adv):
                items[users[r]].append((a, float(T.it_rating[i])))
        for u in users:
            a = np.array([x[0] for x in items[u]]); r = np.array([x[1] for x in items[u]])
            dr = np.sign(r[:, None] - r[None, :]); da = np.sign(a[:, None] - a[None, :])
            m = dr != 0
            out[u][s] = float(((dr == da) + 0.5 * (da == 0))[m].mean()) if m.any() else 0.5
    enc.cfg.history_shrink = 1.0
    return out

def gate_rules(conc):
    """rule name -> chosen shrink per user."""
    rules = {}
    for tau in (0.0, 0.02, 0.05, 0.1):
        rules[f"s1 if C1-C0>{tau}"] = {u: (1.0 if c[1.0] - c[0.0] > tau else 0.0) for u, c in conc.items()}
    rules["argmax C (ties: larger s)"] = {u: max(SHRINKS, key=lambda s: (c[s], s)) for u, c in conc.items()}
    rules["argmax C (ties: smaller s)"] = {u: max(SHRINKS, key=lambda s: (c[s], -s)) for u, c in conc.items()}
    return rules

def personas(seed, log):
    cfg = apply_overrides(get_preset("default"), [f"train.seed={seed}", f"data.persona_seed={seed}", "train.progress=false"])
    import os
    ck = f".exp/model_personas_{seed}.pt"
    if os.path.exists(ck):
        model = torch.load(ck); mixed = mix(import_mtbench_human(), cfg)
    else:
        t0 = time.time(); model, info, mixed = fit(import_mtbench_human(), cfg); log(f"personas seed {seed} trained {time.time()-t0:.0f}s"); torch.save(model, ck)
    S = mixed.setup; T = S.T
    users = S.users("test")
    res = {}
    for k in (5, 10, 20):
        per_s = {}
        for sv in SHRINKS:
            model.encoder.cfg.history_shrink = sv
            per_s[sv] = model_scores(model, S)(users, k)
        model.encoder.cfg.history_shrink = 1.0
        events_of = {S.upos[u]: [np.array([S.pos[i] for i in ev], dtype=np.int64) for ev in S.bench.events[u][:k]] for u in users}
        conc = loo_concordance(model, T, events_of, list(events_of), k)
        name_of = {S.upos[u]: u for u in users}
        def pooled(choice):
            ys, ds = zip(*(diffs(S, {u: per_s[choice(u)][u]}, u) for u in users))
            return auc(np.concatenate(ys), np.concatenate(ds))
        row = {f"s={sv}": pooled(lambda u, sv=sv: sv) for sv in SHRINKS}
        for name, ch in gate_rules(conc).items():
            row[name] = pooled(lambda u: ch[S.upos[u]])
            row[name + " share s1"] = float(np.mean([ch[x] == 1.0 for x in ch]))
        DUMP.setdefault(str(k), {}).update({u: {"C": {str(a): b for a, b in conc[S.upos[u]].items()}, "y": diffs(S, per_s[1.0], u)[0].tolist(),
            "d": {str(sv): diffs(S, per_s[sv], u)[1].tolist() for sv in SHRINKS}} for u in users})
        res[k] = row; log(f"personas seed {seed} k={k}: " + json.dumps({a: round(b, 4) for a, b in row.items()}))
    return res

def judges(seed, log):
    ds = import_mtbench_human(); cfg = apply_overrides(get_preset("default"), [f"train.seed={seed}", "train.progress=false"])
    base_T = build_tensors(ds, get_preset("default"), use_response_text=False)
    sp = make_split(base_T, "held_out_users", seed)
    m = mix(ds, cfg, seed=seed); T = m.T
    history, val_pairs = interactions_of_groups(T, sp.train), group_pairs(T, sp.val)
    base_fn = lambda net: auc(T.pair_label[val_pairs], predict_diffs(net, T, history, val_pairs))
    import os
    ck = f".exp/model_judges_{seed}.pt"
    if os.path.exists(ck):
        net = torch.load(ck)
    else:
        t0 = time.time(); net, info = train_mixed(m, cfg, sp.train, np.zeros(0, np.int64), base_fn); log(f"judges seed {seed} trained {time.time()-t0:.0f}s"); torch.save(net, ck)
    # the revealed clusters per test user, in make_split's order (same rng calls)
    rng = np.random.default_rng(seed); G = np.arange(len(base_T.groups))
    nclust = np.array([len(np.unique(base_T.g_cluster[base_T.g_user == u])) for u in range(len(base_T.users))])
    eligible = np.nonzero(nclust > max(REVEAL_K) + 2)[0]
    test_users = rng.choice(eligible, max(1, round(0.2 * len(base_T.users))), replace=False)
    is_test = np.isin(base_T.g_user, test_users); train_pool = G[~is_test]
    _cluster_parts(np.unique(base_T.g_cluster[train_pool]), rng, fracs=(0.9, 1.0))
    events_of = {}
    for u in test_users:
        mine = G[base_T.g_user == u]
        order = rng.permutation(np.unique(base_T.g_cluster[mine]))
        events_of[int(u)] = [interactions_of_groups(T, mine[base_T.g_cluster[mine] == c]) for c in order[: max(REVEAL_K)]]
    users = [int(u) for u in test_users]
    res = {}
    for k in (5, 10):
        vis, pairs = sp.tests[f"k={k}"]
        assert np.array_equal(np.sort(vis), np.sort(np.concatenate([np.concatenate(events_of[u][:k]) for u in users])))
        pu = T.it_user[T.pair_a[pairs]]
        d = {}
        for sv in SHRINKS:
            net.encoder.cfg.history_shrink = sv
            d[sv] = predict_diffs(net, T, vis, pairs)
        net.encoder.cfg.history_shrink = 1.0
        conc = loo_concordance(net, T, events_of, users, k)
        y = T.pair_label[pairs]; keep = y != 0.5
        row = {f"s={sv}": auc(y[keep], d[sv][keep]) for sv in SHRINKS}
        for name, ch in gate_rules(conc).items():
            dd = np.array([d[ch[int(u)]][i] for i, u in enumerate(pu)])
            row[name] = auc(y[keep], dd[keep]); row[name + " share s1"] = float(np.mean([v == 1.0 for v in ch.values()]))
        DUMP.setdefault(str(k), {}).update({str(u): {"C": {str(a): b for a, b in conc[u].items()}, "y": y[keep & (pu == u)].tolist(),
            "d": {str(sv): d[sv][keep & (pu == u)].tolist() for sv in SHRINKS}} for u in users})
        res[k] = row; log(f"judges seed {seed} k={k}: " + json.dumps({a: round(b, 4) for a, b in row.items()}))
    return res

if __name__ == "__main__":
    import os
    os.makedirs(".exp", exist_ok=True)
    torch.set_num_threads(2)
    which, seed = sys.argv[1], int(sys.argv[2])
    log = lambda s: print(s, flush=True)
    out = (personas if which == "personas" else judges)(seed, log)
    json.dump({"summary": out, "users": DUMP}, open(f".exp/loo_{which}_{seed}.json", "w"))
