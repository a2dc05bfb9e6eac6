"""Switchboard router training: GMTRouter-style personalised routing (Xie et al., arXiv 2511.08590).

Importing this package has no side effects. Entry points: ``python -m training {import,train,evaluate,export}``.
"""

__version__ = "0.1.0"
