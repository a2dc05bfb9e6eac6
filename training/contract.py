"""router-core/contract.json, the one written contract between training/ and router-core/, and the features both
sides compute from it."""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Optional

REPO_ROOT = Path(__file__).resolve().parent.parent
CONTRACT_PATH = REPO_ROOT / "router-core" / "contract.json"


def load_contract(path: Path = CONTRACT_PATH) -> Dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _answer_length_spec() -> Dict[str, float]:
    return load_contract()["answerLength"]


def answer_length(text: Optional[str]) -> float:
    """The rated answer's standardised log length (contract "answerLength"): (ln(1 + characters) - mean) / std,
    characters counted as Unicode code points; an answer that was not stored is the average one (0)."""
    if text is None:
        return 0.0
    spec = _answer_length_spec()
    return (math.log1p(len(text)) - spec["mean"]) / spec["std"]
