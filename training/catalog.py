"""Short factual descriptions of the LLMs in MT-Bench human judgments.

An LLM node's vector is the embedding of its description, so a model the router never saw in training
(an app model) can still be scored from its description vector. Descriptions are deliberately factual
(maker, size, release, training style) rather than evaluative.
"""

from __future__ import annotations

from typing import Dict

MTBENCH_LLMS: Dict[str, str] = {
    "gpt-4": (
        "GPT-4 by OpenAI (March 2023): a large proprietary multimodal transformer, instruction-tuned with "
        "reinforcement learning from human feedback; strong at reasoning, math, coding and long instructions."
    ),
    "gpt-3.5-turbo": (
        "GPT-3.5 Turbo by OpenAI (2023): the proprietary chat model behind ChatGPT, instruction-tuned with "
        "reinforcement learning from human feedback; fast and inexpensive general-purpose assistant."
    ),
    "claude-v1": (
        "Claude v1 by Anthropic (March 2023): a large proprietary chat assistant trained with reinforcement "
        "learning from human feedback and constitutional AI; general-purpose writing, analysis and dialogue."
    ),
    "vicuna-13b-v1.2": (
        "Vicuna 13B v1.2 by LMSYS (2023): an open-weights 13-billion-parameter LLaMA model fine-tuned on "
        "user-shared ChatGPT conversations; a small open chat assistant."
    ),
    "alpaca-13b": (
        "Alpaca 13B by Stanford (2023): an open 13-billion-parameter LLaMA model fine-tuned on 52K "
        "self-instruct demonstrations generated with text-davinci-003; single-turn instruction following."
    ),
    "llama-13b": (
        "LLaMA 13B by Meta AI (February 2023): an open 13-billion-parameter base language model pretrained on "
        "public text, not instruction-tuned or aligned for chat."
    ),
}
