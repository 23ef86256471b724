"""Optimisers and training loops that keep pruned weights at exactly zero."""
