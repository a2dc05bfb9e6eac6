"""Training configuration as plain dataclasses. Every default is listed here with the reason for it.

Two presets: :func:`faithful` reproduces the GMTRouter paper/reference settings (see
docs/gmtrouter-algorithm.md); :func:`default` is what we ship, and differs only where a
change won on the MT-Bench human evaluation (see training/README.md). Overrides use dotted keys,
``model.hidden=32``, parsed by :func:`apply_overrides`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Dict, List

QUERY_MODES = ("current_only", "full_context", "retrieval")


@dataclass
class DataConfig:
    # Serving encoder (router-core/contract.json "embedder"); a dataset or cache with another id is refused.
    embedder_id: str = "use-lite-512"
    embed_dim: int = 512
    # How a query node's text is built (contract "queryText"). Neither full_context (earlier user messages
    # of the session + the current one) nor retrieval beat current_only on MT-Bench human
    # (training/results/query-modes.md), so the paper's current_only stays the default.
    query_mode: str = "current_only"
    # retrieval mode: how many of the most similar earlier user messages join the current one. 2 is
    # router-core's default (OnnxRouterOptions.retrievalTopK); the manifest records it for serving.
    retrieval_top_k: int = 2
    query_separator: str = "\n\n"  # contract queryText.separator
    query_max_chars: int = 4000  # contract queryText.maxChars; keep the *last* maxChars characters
    # MT-Bench keeps the upstream A/B orientation, which is skewed (SOURCES.md caveat 2); we swap A/B
    # per vote with this fixed seed so no position effect can be learned.
    swap_seed: int = 0
    # Synthetic persona users mixed into training (training/personas.py): how many training users (0: none)
    # and the generator's seed. They teach the router to read ratings; see training/results/personas.md.
    personas: int = 400
    persona_seed: int = 0
    # Extra training-only users who rate like the MT-Bench judges (the population's quality, weakly and noisily,
    # mostly pairwise votes; personas.generate n_judge_like). An experiment, off: training/results/experiments-base-prior.md.
    persona_judge_like: int = 0
    # More training users of the seen families from their own generator (personas.generate n_extra_train): the
    # validation and test users stay those of persona_seed, so runs with and without them are paired.
    persona_extra: int = 0


@dataclass
class ModelConfig:
    embed_dim: int = 512  # D: must equal the embedder's dim
    # H: width of the graph transformer. The paper runs at D=512 with no projection; projecting every
    # node type to 64 first is ~10x cheaper and lost nothing on MT-Bench human.
    hidden: int = 64
    input_projection: bool = True  # False only when hidden == embed_dim (faithful)
    layers: int = 3  # paper: 2 layers, 3 when the data has multi-turn chains (MT-Bench has turn 2)
    heads: int = 4  # paper: 4 heads in HGT and in the predictor attention
    dropout: float = 0.1  # applied to conv outputs before LayerNorm and inside the predictor head
    predictor_dim: int = 64  # paper: 256; 64 is enough for 6 LLMs and keeps the files small
    predictor_heads: int = 4
    # Predictor head. "paper": w^T ReLU([attn_m; l'_m]) (query-LLM interaction only through 2-token attention
    # weights). "bilinear_mlp": MLP(ReLU-free concat [attn_m; l'_m; attn_m * l'_m]) adds an MF-style
    # multiplicative term; kept only if it wins on the evaluation (README).
    predictor_head: str = "paper"
    # Response nodes: paper broadcasts the rating to all D coordinates and ignores the text.
    response_text: bool = False
    # Response nodes also carry the (centred) rating times the rated model's vector: the graph transformer
    # reads *what* the ratings say, not only that there are some (training/results/personas.md).
    signed_rating: bool = True
    centre_ratings: bool = True  # signed features use r minus the user's (shrunk) mean rating, not r - 1/2
    # The user vector carries its pooled, shrunk rating evidence and the scorer reads it through a positive
    # semi-definite kernel over model vectors (model.py PreferencePredictor): ratings move any catalog's models.
    evidence_kernel: bool = True
    evidence_kappa: float = 2.0  # pseudo-count of that shrinkage
    # The graph part of the user vector is u0 + history_shrink * (u - u0), u0 the cold-start vector: how far the
    # graph transformer's reading of a history may move a user from the population. Trained at 1; the served value
    # is chosen after training (train.history_shrinks; training/results/experiments-base-prior.md).
    history_shrink: float = 1.0
    identity_kernel_gain: float = 16.0  # initial gain of the fixed identity kernel (see PreferencePredictor)
    # Answer length: the user vector also carries e_len = sum_i c_i z_i / (n + kappa), z_i the rated answer's
    # standardised log length (contract "answerLength", encoder input response_len), and the scorer adds
    # gain * e_len * zhat(q, m), zhat a head that predicts how long model m answers query q (trained on every stored
    # answer, train.answer_length_weight). A user who likes short answers then gets the model that answers *this*
    # question briefly. +0.004 AUC at k = 5, 10, 20 on the persona benchmark (training/results/experiments-answer-length.md).
    answer_length: bool = True

    @property
    def user_dim(self) -> int:
        """Width of the exported user vector (contract dims.hidden): the graph's H, plus the evidence."""
        return self.hidden + (self.predictor_dim + self.embed_dim if self.evidence_kernel else 0) + int(self.answer_length)
    # Attention logits are clamped to +-logit_clamp and exponentiated with no max shift: exact and
    # exportable to ONNX opset 17 (no per-destination max reduction there), see docs/onnx-export.md.
    logit_clamp: float = 30.0


@dataclass
class TrainConfig:
    seed: int = 0
    # Another initialisation (and episode sampling) of the same data: the trainer draws from train.seed + 1000 * init,
    # while the data splits keep train.seed. Held-out MT-Bench judges' AUC with history moves by up to 0.05 with it
    # (training/results/experiments-base-prior.md, "How much the initialisation moves the judges").
    init: int = 0
    # Paper: 350 episodes, one Adam step each. With persona users in the mix, validation peaks near episode
    # 130 (training/results/personas.md), so 160 keeps the shipped training within 3 minutes on 2 cores.
    epochs: int = 160
    lr: float = 5e-4  # paper
    weight_decay: float = 0.0
    # Per user, k events (comparison clusters or single ratings) are visible in the episode graph, k uniform
    # in visible_min..visible_pairs. Paper: always 10. We draw 0..24 so that the router learns to read any
    # amount of history, as served to users with 0, 5, 10 or 20 ratings.
    visible_min: int = 0
    visible_pairs: int = 24
    predict_pairs: int = 256  # paper: up to 256 other groups per user are predicted (ratings masked)
    # Weight of a pointwise BCE(sigmoid(s_m), r) term for predicted single ratings (stars/thumbs without a
    # comparison).
    pointwise_weight: float = 0.5
    answer_length_weight: float = 1.0  # weight of the answer-length head's squared error (model.answer_length)
    # Users per episode (0: all). 128 of ~460 keeps an episode ~0.3 s on 2 cores with the persona users.
    users_per_episode: int = 128
    # The cold-start prior is the real users' (training/results/experiments-base-prior.md). base_every_episode:
    # every episode also holds every base-data user (MT-Bench judges or the app's own users; drawn among 400
    # personas they were ~14% of an episode), and only persona users' models are renamed (alias_share).
    # prior_from_base: the cold-start prior learns from base users only, on every episode; persona users' losses
    # train how history shifts a score (train.prior_free_scores). Needs base_every_episode.
    base_every_episode: bool = True
    prior_from_base: bool = True
    # Weight of a base user's pair in the episode's Bradley-Terry loss, against 1 for a persona's: how much the
    # real users' (weak) history effects count beside the personas' strong ones.
    base_weight: float = 1.0
    # After training, model.history_shrink becomes the largest of these whose base validation AUC (the real users')
    # is within shrink_tolerance of the best of them. Off (empty: keep model.history_shrink): the recipe's ~190 base
    # validation pairs are too few to choose it (seed 0 chose 0.25, seed 1 chose 1), and a fixed shrink trades
    # the personas' AUC for the judges' (training/results/experiments-base-prior.md).
    history_shrinks: List[float] = field(default_factory=list)
    shrink_tolerance: float = 0.005
    # Share of an episode's users whose models are renamed to other catalog vectors (catalog.ALIAS_DESCRIPTIONS),
    # and how many such vectors an episode draws: a deployment's models are never the training set's.
    alias_share: float = 0.5
    alias_count: int = 10
    eval_every: int = 10  # validate every N epochs; keep the state with the best validation AUC
    grad_clip: float = 1.0
    progress: bool = True


@dataclass
class Config:
    name: str = "default"
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def to_dict(self) -> Dict[str, Any]:
        return dataclasses.asdict(self)

    @staticmethod
    def from_dict(d: Dict[str, Any]) -> "Config":
        return Config(
            name=d.get("name", "default"),
            data=DataConfig(**d.get("data", {})),
            # checkpoints written before the rating-reading options and the answer length existed had none of them
            model=ModelConfig(**{"signed_rating": False, "centre_ratings": False, "evidence_kernel": False, "answer_length": False, **d.get("model", {})}),
            train=TrainConfig(**d.get("train", {})),
        )

    def validate(self) -> "Config":
        m, dc = self.model, self.data
        if dc.query_mode not in QUERY_MODES:
            raise ValueError(f"data.query_mode={dc.query_mode!r}: expected one of {QUERY_MODES}")
        if dc.retrieval_top_k < 1:
            raise ValueError(f"data.retrieval_top_k={dc.retrieval_top_k}: need at least 1 (k = 0 is query_mode=current_only)")
        if self.train.init < 0:
            raise ValueError(f"train.init={self.train.init}: expected 0 or more")
        if m.embed_dim != dc.embed_dim:
            raise ValueError(f"model.embed_dim={m.embed_dim} != data.embed_dim={dc.embed_dim}")
        if m.hidden % m.heads:
            raise ValueError(f"model.hidden={m.hidden} is not divisible by model.heads={m.heads}")
        if m.predictor_dim % m.predictor_heads:
            raise ValueError(f"model.predictor_dim={m.predictor_dim} not divisible by predictor_heads={m.predictor_heads}")
        if not m.input_projection and m.hidden != m.embed_dim:
            raise ValueError(f"model.input_projection=False needs hidden == embed_dim, got hidden={m.hidden}")
        if m.predictor_head not in ("paper", "bilinear_mlp"):
            raise ValueError(f"model.predictor_head={m.predictor_head!r}: expected 'paper' or 'bilinear_mlp'")
        if m.answer_length and not m.evidence_kernel:
            raise ValueError("model.answer_length=true needs model.evidence_kernel=true (the length evidence is part of the rating evidence)")
        if m.layers < 1:
            raise ValueError(f"model.layers={m.layers}: need at least 1")
        bad = [x for x in [m.history_shrink, *self.train.history_shrinks] if not 0.0 <= x <= 1.0]
        if bad:
            raise ValueError(f"model.history_shrink / train.history_shrinks: {bad[0]} is outside [0, 1]")
        if self.train.base_weight <= 0:
            raise ValueError(f"train.base_weight={self.train.base_weight}: must be > 0")
        if self.train.epochs < 1:
            raise ValueError(f"train.epochs={self.train.epochs}: need at least 1")
        return self


def default() -> Config:
    return Config(name="default").validate()


def faithful() -> Config:
    """The paper's settings: width D=512 with no projection, 256-d predictor, rating-only responses, 10
    visible comparisons per user and episode, no persona users."""
    return Config(
        name="faithful",
        data=DataConfig(query_mode="current_only", personas=0),
        model=ModelConfig(hidden=512, input_projection=False, predictor_dim=256, signed_rating=False, centre_ratings=False, evidence_kernel=False,
                          answer_length=False),
        train=TrainConfig(epochs=350, visible_min=10, visible_pairs=10, pointwise_weight=0.0, users_per_episode=0, alias_share=0.0),
    ).validate()


def tiny() -> Config:
    """A few-KB model for test fixtures (router-core serving tests), not for routing: no persona users."""
    return Config(
        name="tiny",
        data=DataConfig(personas=0),
        model=ModelConfig(hidden=8, heads=2, layers=2, predictor_dim=8, predictor_heads=2, answer_length=False),
        train=TrainConfig(epochs=20, eval_every=5),
    ).validate()


PRESETS = {"default": default, "faithful": faithful, "tiny": tiny}


def get_preset(name: str) -> Config:
    if name not in PRESETS:
        raise ValueError(f"config preset {name!r}: expected one of {sorted(PRESETS)}")
    return PRESETS[name]()


def _cast(old: Any, raw: str, key: str) -> Any:
    if isinstance(old, bool):
        if raw.lower() in ("1", "true", "yes"):
            return True
        if raw.lower() in ("0", "false", "no"):
            return False
        raise ValueError(f"override {key}={raw!r}: expected a boolean")
    if isinstance(old, list):  # a comma list of floats; empty for none
        try:
            return [float(x) for x in raw.split(",") if x.strip()]
        except ValueError:
            raise ValueError(f"override {key}={raw!r}: expected a comma list of numbers") from None
    try:
        return type(old)(raw)
    except (TypeError, ValueError):
        raise ValueError(f"override {key}={raw!r}: expected {type(old).__name__}") from None


def apply_overrides(cfg: Config, overrides: List[str]) -> Config:
    """Applies ``section.key=value`` strings (e.g. ``model.hidden=32``) and re-validates."""
    for item in overrides:
        if "=" not in item:
            raise ValueError(f"override {item!r}: expected section.key=value")
        key, raw = item.split("=", 1)
        parts = key.split(".")
        if len(parts) != 2 or parts[0] not in ("data", "model", "train"):
            raise ValueError(f"override key {key!r}: expected data.*, model.* or train.*")
        section = getattr(cfg, parts[0])
        if not hasattr(section, parts[1]):
            raise ValueError(f"override key {key!r}: no such setting")
        setattr(section, parts[1], _cast(getattr(section, parts[1]), raw, key))
    return cfg.validate()
