"""Evaluation harnesses: retrieval (ranking metrics) and question answering."""
