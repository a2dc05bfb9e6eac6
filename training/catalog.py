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


# Descriptions of other LLMs, in the same factual style: training renames the models of some users to these
# (train.alias_share) so that the router learns to read "liked this model" for whatever vector a model has,
# as it must for a deployment's own catalog. They are never candidates and carry no ratings of their own.
ALIAS_DESCRIPTIONS = (
    "GPT-4o by OpenAI (2024): a large proprietary multimodal model for text, images and audio; fast general-purpose assistant.",
    "GPT-4o mini by OpenAI (2024): a small, fast and inexpensive proprietary multimodal chat model.",
    "o1 by OpenAI (2024): a proprietary reasoning model that thinks step by step before answering; strong at math and science.",
    "Claude 3.5 Sonnet by Anthropic (2024): a proprietary chat model, strong at writing, coding and analysis.",
    "Claude 3 Haiku by Anthropic (2024): the fastest and cheapest proprietary model of the Claude 3 family.",
    "Claude 3 Opus by Anthropic (2024): a large proprietary model for complex analysis and long documents.",
    "Gemini 1.5 Pro by Google (2024): a proprietary multimodal model with a context window of a million tokens.",
    "Gemini 1.5 Flash by Google (2024): a fast, inexpensive proprietary multimodal model.",
    "Gemma 2 9B by Google (2024): an open-weights 9-billion-parameter instruction-tuned model.",
    "Llama 3.1 405B Instruct by Meta (2024): the largest open-weights Llama model, instruction-tuned for chat and tools.",
    "Llama 3.1 70B Instruct by Meta (2024): an open-weights 70-billion-parameter instruction-tuned chat model.",
    "Llama 3.1 8B Instruct by Meta (2024): a small open-weights instruction-tuned chat model that runs on one GPU.",
    "Llama 2 70B Chat by Meta (2023): an open-weights chat model trained with reinforcement learning from human feedback.",
    "Mistral 7B Instruct by Mistral AI (2023): a small open-weights instruction-tuned model with sliding-window attention.",
    "Mixtral 8x7B Instruct by Mistral AI (2023): an open-weights sparse mixture-of-experts chat model.",
    "Mistral Large by Mistral AI (2024): a proprietary flagship model, multilingual, with function calling.",
    "Codestral by Mistral AI (2024): a code model trained on more than 80 programming languages; completes and explains code.",
    "Qwen2.5 72B Instruct by Alibaba (2024): an open-weights multilingual chat model, strong at math and coding.",
    "Qwen2.5-Coder 32B Instruct by Alibaba (2024): an open-weights programming model for code generation and repair.",
    "Qwen2.5 7B Instruct by Alibaba (2024): a small open-weights multilingual chat model.",
    "DeepSeek-V3 by DeepSeek (2024): an open-weights mixture-of-experts model for chat, math and code.",
    "DeepSeek-R1 by DeepSeek (2025): an open-weights reasoning model trained with reinforcement learning; long chains of thought.",
    "DeepSeek Coder 33B Instruct by DeepSeek (2023): an open-weights code model trained on two trillion tokens.",
    "Phi-3 Mini by Microsoft (2024): a 3.8-billion-parameter open model trained on filtered and synthetic data; runs on phones.",
    "Phi-4 by Microsoft (2024): a 14-billion-parameter open model focused on reasoning, trained largely on synthetic data.",
    "Command R+ by Cohere (2024): a proprietary model for retrieval-augmented generation and tool use in enterprises.",
    "Yi 34B Chat by 01.AI (2023): an open-weights bilingual English and Chinese chat model.",
    "Falcon 40B Instruct by TII (2023): an open-weights instruction-tuned model trained on refined web data.",
    "MPT-30B Chat by MosaicML (2023): an open-weights chat model with an 8k context window.",
    "Zephyr 7B Beta by Hugging Face (2023): a small open model aligned with direct preference optimization.",
    "OpenChat 3.5 by OpenChat (2023): a 7-billion-parameter open model fine-tuned on mixed-quality conversation data.",
    "StarCoder2 15B by BigCode (2024): an open code model trained on The Stack v2; completes code in many languages.",
    "WizardLM 13B by Microsoft (2023): an open LLaMA model fine-tuned on evolved complex instructions.",
    "Koala 13B by Berkeley (2023): an open LLaMA model fine-tuned on dialogue gathered from the web.",
    "Dolly v2 12B by Databricks (2023): an open model fine-tuned on human-written instructions from employees.",
    "ChatGLM2 6B by Tsinghua (2023): a small open bilingual chat model.",
    "Grok 2 by xAI (2024): a proprietary chat model with real-time access to posts on X.",
    "Nemotron 70B Instruct by NVIDIA (2024): a Llama-based open model tuned with reward models for helpful answers.",
    "A small local summarisation model: condenses long documents into short bullet points.",
    "A fast local assistant for short answers: replies in one sentence, tuned for latency.",
    "A long-form writing assistant: detailed essays, stories and reports with headings and examples.",
    "A SQL and data-analysis model: writes queries, explains query plans and reads tables.",
)
