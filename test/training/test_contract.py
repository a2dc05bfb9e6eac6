"""Features both sides of router-core/contract.json compute: the same values as test/router-core/features.test.ts."""

from __future__ import annotations

import math

import pytest

from training.contract import answer_length, load_contract


def test_answer_length_is_the_standardised_log_of_the_code_point_count():
    spec = load_contract()["answerLength"]
    mean, std = spec["mean"], spec["std"]
    assert answer_length(None) == 0.0
    assert answer_length("") == pytest.approx(-mean / std, abs=1e-12)
    assert answer_length("héllo \U0001F44B") == pytest.approx((math.log(8) - mean) / std, abs=1e-12)  # 7 code points
    assert answer_length("héllo \U0001F44B") == pytest.approx(-2.8004, abs=1e-4)
