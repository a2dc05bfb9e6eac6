"""GMTRouter model in plain torch: heterogeneous graph transformer (HGT) user encoder + preference predictor.

Written to export to ONNX opset 17 with dynamic node/edge counts (docs/onnx-export.md): scatters are
``index_add`` (exported through a custom ScatterND symbolic, see export_onnx.py), attention logits are
clamped to +-``logit_clamp`` and exponentiated without a max shift, and per-head dot products are a
matmul with a ones vector (no ReduceSum over possibly empty tensors).

Graph of one user's history (contract "graph"): S session nodes (one per rated interaction), S query
nodes, S response nodes, M llm nodes, U user nodes; edges query_i->session_i (asks), llm->session
(answers), response_i->session_i (rates), session->user (belongs_to), session(t-1)->session(t) (follows).
Only session and user nodes receive messages, so query/llm vectors reach the predictor unchanged.
"""

from __future__ import annotations

import math
from typing import Dict, Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .config import ModelConfig

NODE_TYPES = ("user", "session", "query", "llm", "response")
RELATIONS = ("asks", "answers", "rates", "belongs_to", "follows")


class HGTLayer(nn.Module):
    r"""One HGT layer (Hu et al. 2020, as in PyG's ``HGTConv``), restricted to the session/user targets.

    For an edge :math:`s \to t` of relation :math:`r` and head :math:`h`:

    .. math::
        a_{st}^h = \mathrm{clamp}\Big(\frac{(Q_t x_t)^h \cdot A_r^h (K_s x_s)^h \,\mu_r^h}{\sqrt{d}}, \pm c\Big),\quad
        \alpha_{st}^h = \frac{e^{a_{st}^h}}{\sum_{s' \to t} e^{a_{s't}^h}},\quad
        m_t = \big\Vert_h \sum_{s \to t} \alpha_{st}^h\, M_r^h (V_s x_s)^h

    and :math:`x_t' = \sigma(\beta_t)\, W_t\,\mathrm{GELU}(m_t) + (1-\sigma(\beta_t))\, x_t`; the softmax runs
    over all incoming edges of :math:`t` across relations.

    Args:
        hidden (int): node width H.
        heads (int): attention heads; ``hidden`` must be divisible by it.
        clamp (float): attention logit clamp c (default 30).
    """

    def __init__(self, hidden: int, heads: int, clamp: float = 30.0) -> None:
        super().__init__()
        if hidden % heads:
            raise ValueError(f"hidden={hidden} is not divisible by heads={heads}")
        self.hidden, self.heads, self.d, self.clamp = hidden, heads, hidden // heads, clamp
        self.kqv = nn.ModuleDict({t: nn.Linear(hidden, 3 * hidden) for t in NODE_TYPES})
        self.rel_a = nn.Parameter(torch.empty(len(RELATIONS), heads, self.d, self.d))
        self.rel_m = nn.Parameter(torch.empty(len(RELATIONS), heads, self.d, self.d))
        self.rel_mu = nn.Parameter(torch.empty(len(RELATIONS), heads))
        self.out_lin = nn.ModuleDict({t: nn.Linear(hidden, hidden) for t in ("session", "user")})
        self.skip = nn.ParameterDict({t: nn.Parameter(torch.empty(())) for t in ("session", "user")})
        self.register_buffer("ones_d", torch.ones(self.d, 1), persistent=False)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for lin in list(self.kqv.values()) + list(self.out_lin.values()):
            lin.reset_parameters()
        for p in (self.rel_a, self.rel_m):
            nn.init.xavier_uniform_(p.view(-1, self.d, self.d))
        nn.init.ones_(self.rel_mu)
        for p in self.skip.values():
            nn.init.ones_(p)

    def _split(self, x: Tensor, t: str):
        """Per-type K, Q, V, each flat [N, H] (heads are contiguous blocks of d columns)."""
        k, q, v = self.kqv[t](x).chunk(3, dim=-1)
        return k, q, v

    def _heads(self, x: Tensor) -> Tensor:
        """[N, H] -> [N, heads, d]."""
        return x.reshape(x.shape[0], self.heads, self.d)

    def _block_diag(self, w: Tensor) -> Tensor:
        """Per-head matrices [h, d, d] -> block-diagonal [H, H], so a relation transform is one 2-D matmul.

        (A batched [h, N, d] @ [h, d, d] matmul after a transpose crashes onnxruntime with SIGFPE when N = 0.)"""
        eye = torch.eye(self.heads, dtype=w.dtype, device=w.device)
        return (w.unsqueeze(2) * eye[:, None, :, None]).reshape(self.hidden, self.hidden)

    def _rel(self, k: Tensor, v: Tensor, r: int):
        """Applies A_r to keys and M_r to values per head: [N, H] -> [N, h, d] each."""
        return self._heads(k @ self._block_diag(self.rel_a[r])), self._heads(v @ self._block_diag(self.rel_m[r]))

    def _exp_logit(self, q: Tensor, k: Tensor, r: int) -> Tensor:
        """exp(clamp(q . k * mu_r / sqrt(d))) per edge and head: [E, h]."""
        dot = torch.matmul(q * k, self.ones_d).squeeze(-1)  # [E, h]; no ReduceSum on empty E
        return torch.exp(torch.clamp(dot * self.rel_mu[r] / math.sqrt(self.d), -self.clamp, self.clamp))

    def forward(self, x: Dict[str, Tensor], g: Dict[str, Tensor]) -> Dict[str, Tensor]:
        S, U, H = x["session"].shape[0], x["user"].shape[0], self.hidden
        kqv = {t: self._split(x[t], t) for t in NODE_TYPES}
        q_s = self._heads(kqv["session"][1])  # [S, h, d]
        # query_i -> session_i and response_i -> session_i are one-to-one: no gather needed
        k_q, v_q = self._rel(kqv["query"][0], kqv["query"][2], 0)
        k_l, v_l = self._rel(kqv["llm"][0], kqv["llm"][2], 1)
        k_l, v_l = k_l[g["session_llm"]], v_l[g["session_llm"]]  # [S, h, d]
        k_r, v_r = self._rel(kqv["response"][0], kqv["response"][2], 2)
        k_c, v_c = self._rel(kqv["session"][0], kqv["session"][2], 4)
        src, dst = g["chain_src"], g["chain_dst"]
        e_q, e_l, e_r = self._exp_logit(q_s, k_q, 0), self._exp_logit(q_s, k_l, 1), self._exp_logit(q_s, k_r, 2)
        e_c = self._exp_logit(q_s[dst], k_c[src], 4)  # [C, h]
        zeros_sh = torch.zeros_like(e_q)
        denom = e_q + e_l + e_r + zeros_sh.index_add(0, dst, e_c)  # [S, h], >= 3 exp(-c) > 0
        msg = e_q.unsqueeze(-1) * v_q + e_l.unsqueeze(-1) * v_l + e_r.unsqueeze(-1) * v_r
        msg = msg + torch.zeros_like(v_q).index_add(0, dst, e_c.unsqueeze(-1) * v_c[src])
        m_session = (msg / denom.unsqueeze(-1)).reshape(S, H)

        # session -> user (belongs_to)
        k_b, v_b = self._rel(kqv["session"][0], kqv["session"][2], 3)
        su = g["session_user"]
        e_b = self._exp_logit(self._heads(kqv["user"][1])[su], k_b, 3)  # [S, h]
        zeros_uh = torch.zeros(U, self.heads, dtype=e_b.dtype, device=e_b.device)
        denom_u = zeros_uh.index_add(0, su, e_b)
        msg_u = zeros_uh.unsqueeze(-1).expand(U, self.heads, self.d).index_add(0, su, e_b.unsqueeze(-1) * v_b)
        # a user without sessions has msg 0 and denom 0: clamp keeps it 0 (its cold-start vector)
        m_user = (msg_u / denom_u.clamp_min(1e-30).unsqueeze(-1)).reshape(U, H)

        out = dict(x)
        for t, m in (("session", m_session), ("user", m_user)):
            alpha = torch.sigmoid(self.skip[t])
            out[t] = alpha * self.out_lin[t](F.gelu(m)) + (1 - alpha) * x[t]
        return out


class UserEncoder(nn.Module):
    """History subgraph -> user vectors [U, H] (contract "userEncoder")."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        D, H = cfg.embed_dim, cfg.hidden
        if cfg.input_projection:
            self.proj_query = nn.Linear(D, H)
            self.proj_llm = nn.Linear(D, H)
            self.proj_rating = nn.Linear(1, H)
        self.proj_response = nn.Linear(D, H) if cfg.response_text else None
        # Rating-signed response feature: (r - 1/2) times the rated model's (projected) vector, so a response
        # node says "liked this model" or "disliked this model" in one direction, not just "was rated".
        self.signed_llm = nn.Linear(H, H, bias=False) if cfg.signed_rating else None
        # Rating evidence in the LLM kernel space, e_u = sum_i c_i phi(l_{m_i}) / (n_u + kappa) with c_i the centred
        # rating and phi(l) = [A l; l], appended to the user vector (see PreferencePredictor). The graph transformer's attention
        # averages and its LayerNorm rescales, so it cannot tell one rating from twelve; this sum grows with
        # consistent evidence and shrinks thin evidence, like a per-user Bradley-Terry fit with a prior.
        self.kernel: Optional[nn.Linear] = None
        self.register_buffer("ones_row", torch.ones(1, H), persistent=False)
        self.layers = nn.ModuleList([HGTLayer(H, cfg.heads, cfg.logit_clamp) for _ in range(cfg.layers)])
        self.norms = nn.ModuleList([nn.LayerNorm(H) for _ in range(cfg.layers)])  # one per layer, shared by types
        self.dropout = nn.Dropout(cfg.dropout)

    def centred_rating(self, rating: Tensor, session_user: Tensor, n_users: int) -> Tensor:
        """r_i minus its user's mean rating, shrunk to 1/2 with one pseudo-rating ([S, 1]): a lenient and a harsh
        rater who rank the models alike give the same signed features."""
        zeros_u = torch.zeros(n_users, dtype=rating.dtype, device=rating.device)
        total = zeros_u.index_add(0, session_user, rating)
        count = zeros_u.index_add(0, session_user, torch.ones_like(rating))
        mean = (total + 0.5) / (count + 1.0)
        return (rating - mean[session_user]).unsqueeze(-1)

    def initial_features(self, query_x: Tensor, rating: Tensor, llm_x: Tensor, response_x: Optional[Tensor], n_users: int,
                         session_llm: Tensor, session_user: Tensor):
        H = self.cfg.hidden
        r = rating.unsqueeze(-1)  # [S, 1]
        if self.cfg.input_projection:
            xq, xl, xr = self.proj_query(query_x), self.proj_llm(llm_x), self.proj_rating(r)
        else:
            xq, xl, xr = query_x, llm_x, r * self.ones_row  # paper: rating broadcast to all coordinates
        if self.signed_llm is not None:
            centred = self.centred_rating(rating, session_user, n_users) if self.cfg.centre_ratings else r - 0.5
            xr = xr + centred * self.signed_llm(xl[session_llm])  # [S, H]
        if self.proj_response is not None:
            if response_x is None:
                raise ValueError("this model uses response text: response_x is required")
            xr = xr + self.proj_response(response_x)
        zeros_s = xq * 0.0  # [S, H] zeros with a dynamic S (exports without a shape computation)
        if not self.cfg.input_projection:
            zeros_s = xq[:, :H] * 0.0
        return {
            "query": xq, "llm": xl, "response": xr, "session": zeros_s,
            "user": torch.zeros(n_users, H, dtype=query_x.dtype, device=query_x.device),
        }

    def forward(
        self, query_x: Tensor, rating: Tensor, llm_x: Tensor, session_llm: Tensor, chain_src: Tensor,
        chain_dst: Tensor, session_user: Tensor, n_users: int, response_x: Optional[Tensor] = None, response_len: Optional[Tensor] = None,
    ) -> Tensor:
        """query_x [S, D], rating [S], llm_x [M, D], session_llm [S], chain_src/dst [C],
        session_user [S] in [0, n_users) -> user vectors [n_users, H]."""
        shrink = self.cfg.history_shrink != 1.0
        # With a history shrink, one more user node without sessions joins the graph: its output is the cold-start vector.
        x = self.initial_features(query_x, rating, llm_x, response_x, n_users + int(shrink), session_llm, session_user)
        g = {"session_llm": session_llm, "chain_src": chain_src, "chain_dst": chain_dst, "session_user": session_user}
        for layer, norm in zip(self.layers, self.norms):
            y = layer(x, g)
            x = dict(x)
            for t in ("session", "user"):
                x[t] = norm(self.dropout(y[t]))
        user = x["user"]
        if shrink:
            cold = user[n_users:]
            user = cold + self.cfg.history_shrink * (user[:n_users] - cold)
        if self.kernel is None:
            return user
        return torch.cat([user, self.evidence(rating, llm_x, session_llm, session_user, n_users, response_len)], dim=-1)

    def evidence(self, rating: Tensor, llm_x: Tensor, session_llm: Tensor, session_user: Tensor, n_users: int,
                 response_len: Optional[Tensor] = None) -> Tensor:
        """e_u = sum_i c_i phi_i / (n_u + kappa) per user, phi_i = [A l; l]_{m_i}: [n_users, P + D]; zeros for a user
        without ratings. With model.answer_length phi_i also ends in z_i, the rated answer's standardised length, so
        the last coordinate is negative for a user who liked shorter answers than they disliked: [n_users, P + D + 1].
        Answers not stored read as the average one (z = 0, contract "answerLength")."""
        c = self.centred_rating(rating, session_user, n_users)  # [S, 1]
        zeros_u = torch.zeros(n_users, dtype=rating.dtype, device=rating.device)
        count = zeros_u.index_add(0, session_user, torch.ones_like(rating))
        phi = torch.cat([self.kernel(llm_x), llm_x], dim=-1)[session_llm]  # [S, P + D]
        if self.cfg.answer_length:
            z = torch.zeros_like(rating) if response_len is None else response_len
            phi = torch.cat([phi, z.unsqueeze(-1)], dim=-1)
        msg = c * phi
        total = torch.zeros(n_users, msg.shape[1], dtype=msg.dtype, device=msg.device).index_add(0, session_user, msg)
        return total / (count + self.cfg.evidence_kappa).unsqueeze(-1)


class PreferencePredictor(nn.Module):
    """(user_vec [B, H], query_x [B, D], llm_x [M, D]) -> scores [B, M] (contract "scorer").

    Each candidate token l'_m = W_l x_m attends (multi-head) to the context [W_u u; W_q q];
    score_m = w^T Dropout(ReLU([attn_m ; l'_m])) + b. P(m1 beats m2) = sigmoid(s_m1 - s_m2).
    """

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        P, self.heads = cfg.predictor_dim, cfg.predictor_heads
        self.dh = P // self.heads
        self.w_u = nn.Linear(cfg.hidden, P)
        self.w_q = nn.Linear(cfg.embed_dim, P)
        self.w_l = nn.Linear(cfg.embed_dim, P)
        self.att_q, self.att_k, self.att_v, self.att_o = (nn.Linear(P, P) for _ in range(4))
        self.bilinear = cfg.predictor_head == "bilinear_mlp"
        if self.bilinear:
            self.head = nn.Sequential(nn.Linear(3 * P, P), nn.ReLU(), nn.Dropout(cfg.dropout), nn.Linear(P, 1))
        else:
            self.head = nn.Linear(2 * P, 1)
        self.dropout = nn.Dropout(cfg.dropout)
        # Evidence kernel: s_m += softplus(g1) e_A . A l_m + softplus(g2) e_I . l_m, with the encoder's
        # e = [e_A; e_I] = sum_i c_i [A l; l]_{m_i} / (n + kappa). Both kernels are positive semi-definite, so
        # liking model a and disliking b raises a over b by (softplus(g1) |A (l_a - l_b)|^2 + softplus(g2)
        # |l_a - l_b|^2) / (n + kappa) >= 0 for ANY two model vectors. A is learned (sharp on the training
        # catalog); the fixed identity part keeps a deployment's own models, never seen in training, personalised
        # about as strongly as the training set's (the renamed users of train.alias_share teach g2).
        self.hidden = cfg.hidden
        self.kernel: Optional[nn.Linear] = None
        if cfg.evidence_kernel:
            self.kernel = nn.Linear(cfg.embed_dim, P, bias=False)
            # softplus(0) ~ 0.7 for the learned kernel; the identity kernel starts at softplus(16) ~ 16: description
            # vectors of distinct models differ by |l_a - l_b|^2 ~ 0.4-0.6, and a scalar moves ~1e-3 per Adam step.
            self.kernel_gain = nn.Parameter(torch.tensor([0.0, cfg.identity_kernel_gain]))
        # Answer length (model.answer_length): s_m += len_gain * e_len * zhat(q, m), with the encoder's e_len (how much
        # shorter the liked answers were than the disliked ones) and zhat a small head's guess of how long model m
        # answers query q, in the contract's standardised units (trained on every stored answer, train.py).
        self.length = cfg.answer_length
        if self.length:
            self.len_q, self.len_l, self.len_out = nn.Linear(cfg.embed_dim, 32), nn.Linear(cfg.embed_dim, 32), nn.Linear(32, 1)
            self.len_gain = nn.Parameter(torch.tensor(1.0))

    def predicted_length(self, query_x: Tensor, llm_x: Tensor) -> Tensor:
        """zhat of (query, model) pairs whose shapes broadcast: rows [N, D] and [N, D] -> [N]; a grid [B, 1, D] and
        [1, M, D] -> [B, M]."""
        return self.len_out(F.relu(self.len_q(query_x) + self.len_l(llm_x))).squeeze(-1)

    def split_length(self, user_vec: Tensor):
        if not self.length:
            return user_vec, None
        return user_vec[:, :-1], user_vec[:, -1]

    def forward(self, user_vec: Tensor, query_x: Tensor, llm_x: Tensor) -> Tensor:
        user_vec, e_len = self.split_length(user_vec)
        evidence = None
        if self.kernel is not None:
            user_vec, evidence = user_vec[:, : self.hidden], user_vec[:, self.hidden :]
        B, M, h, dh = user_vec.shape[0], llm_x.shape[0], self.heads, self.dh
        ctx = torch.stack([self.w_u(user_vec), self.w_q(query_x)], dim=1)  # [B, 2, P]
        lt = self.w_l(llm_x)  # [M, P]
        k = self.att_k(ctx).reshape(B, 2, h, dh).permute(0, 2, 3, 1)  # [B, h, dh, 2]
        v = self.att_v(ctx).reshape(B, 2, h, dh).permute(0, 2, 1, 3)  # [B, h, 2, dh]
        q = self.att_q(lt).reshape(M, h, dh).permute(1, 0, 2).unsqueeze(0)  # [1, h, M, dh]
        a = torch.softmax(torch.matmul(q, k) / math.sqrt(dh), dim=-1)  # [B, h, M, 2]
        o = torch.matmul(a, v).permute(0, 2, 1, 3).reshape(B, M, h * dh)  # [B, M, P]
        att, lm = self.att_o(o), lt.unsqueeze(0).expand(B, M, h * dh)
        if self.bilinear:
            s = self.head(torch.cat([att, lm, att * lm], dim=-1)).squeeze(-1)  # [B, M]
        else:
            s = self.head(self.dropout(F.relu(torch.cat([att, lm], dim=-1)))).squeeze(-1)  # [B, M]
        if evidence is not None:
            g = F.softplus(self.kernel_gain)
            P = self.kernel.out_features
            s = s + g[0] * torch.matmul(evidence[:, :P], self.kernel(llm_x).t()) + g[1] * torch.matmul(evidence[:, P:], llm_x.t())
        if e_len is not None:
            s = s + self.len_gain * e_len.unsqueeze(-1) * self.predicted_length(query_x.unsqueeze(1), llm_x.unsqueeze(0))
        return s

    def score_cells(self, user_vec: Tensor, query_x: Tensor, llm_x: Tensor, rows: Tensor, llms: Tensor) -> Tensor:
        """``forward(user_vec, query_x, llm_x)[rows, llms]`` ([N]), computing only those cells: a training episode
        needs a few of the M' models (aliases included) per (user, query) row, and the full [B, M', 2P] grid of the
        head was most of an episode's time. Same parameters and the same arithmetic per cell as ``forward``."""
        user_vec, e_len = self.split_length(user_vec)
        evidence = None
        if self.kernel is not None:
            user_vec, evidence = user_vec[:, : self.hidden], user_vec[:, self.hidden :]
        B, M, N, h, dh = user_vec.shape[0], llm_x.shape[0], rows.shape[0], self.heads, self.dh
        ctx = torch.stack([self.w_u(user_vec), self.w_q(query_x)], dim=1)  # [B, 2, P]
        lt = self.w_l(llm_x)  # [M, P]
        k = self.att_k(ctx).reshape(B, 2, h, dh)[rows]  # [N, 2, h, dh]
        v = self.att_v(ctx).reshape(B, 2, h, dh)[rows]  # [N, 2, h, dh]
        q = self.att_q(lt).reshape(M, h, dh)[llms]  # [N, h, dh]
        a = torch.softmax((q.unsqueeze(1) * k).sum(-1) / math.sqrt(dh), dim=1)  # [N, 2, h]
        o = (a.unsqueeze(-1) * v).sum(1).reshape(N, h * dh)  # [N, P]
        att, lm = self.att_o(o), lt[llms]
        if self.bilinear:
            s = self.head(torch.cat([att, lm, att * lm], dim=-1)).squeeze(-1)  # [N]
        else:
            s = self.head(self.dropout(F.relu(torch.cat([att, lm], dim=-1)))).squeeze(-1)  # [N]
        if evidence is not None:
            g = F.softplus(self.kernel_gain)
            P = self.kernel.out_features
            s = s + g[0] * (evidence[rows, :P] * self.kernel(llm_x)[llms]).sum(-1) + g[1] * (evidence[rows, P:] * llm_x[llms]).sum(-1)
        if e_len is not None:
            s = s + self.len_gain * e_len[rows] * self.predicted_length(query_x[rows], llm_x[llms])
        return s


class GMTRouter(nn.Module):
    """User encoder + preference predictor."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.encoder = UserEncoder(cfg)
        self.predictor = PreferencePredictor(cfg)
        self.encoder.kernel = self.predictor.kernel  # one A for the evidence and the candidates


def bt_loss(s_a: Tensor, s_b: Tensor, y: Tensor, weight: Optional[Tensor] = None) -> Tensor:
    """Bradley-Terry pairwise logistic loss mean(softplus(-y (s_a - s_b))), y in {+1, -1}; weighted mean with ``weight``."""
    loss = F.softplus(-y * (s_a - s_b))
    return loss.mean() if weight is None else (loss * weight).sum() / weight.sum()


def pointwise_loss(s: Tensor, r: Tensor) -> Tensor:
    """BCE between sigmoid(s) and a single rating r in [0,1]."""
    return F.binary_cross_entropy_with_logits(s, r)
