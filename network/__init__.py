"""Cooperation networks: relations between organisations, PARTNER surveys, graph metrics."""
