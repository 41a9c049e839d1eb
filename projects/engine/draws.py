"""Named random streams, so that a changed input sees the same draws (common random numbers).

Every uncertain quantity draws from its own stream, keyed by the seed, the chunk of trials and
the quantity's name. Rows of a stream (one per person or per legacy system) are drawn in order,
so row j is the same whether 3 rows or 30 are asked for: adding a person leaves the others'
draws alone, and a lever's delta is the effect of the lever, not noise.
"""

from __future__ import annotations

import zlib

import numpy as np


class Draws:
    def __init__(self, seed: int, chunk: int, size: int):
        self.seed = seed
        self.chunk = chunk
        self.size = size
        self._streams: dict[tuple[str, str], tuple[np.random.Generator, np.ndarray]] = {}

    def _rows(self, name: str, kind: str, rows: int, draw) -> np.ndarray:
        key = (name, kind)
        if key in self._streams:
            generator, drawn = self._streams[key]
        else:
            sequence = np.random.SeedSequence(
                self.seed, spawn_key=(self.chunk, zlib.crc32(name.encode()))
            )
            generator, drawn = np.random.Generator(np.random.PCG64(sequence)), None
        have = 0 if drawn is None else drawn.shape[0]
        if rows > have:
            more = draw(generator, (rows - have, self.size))
            drawn = more if drawn is None else np.concatenate([drawn, more])
            self._streams[key] = (generator, drawn)
        return drawn[:rows]

    def normal(self, name: str) -> np.ndarray:
        return self._rows(name, "normal", 1, lambda g, shape: g.standard_normal(shape))[0]

    def uniform(self, name: str) -> np.ndarray:
        return self._rows(name, "uniform", 1, lambda g, shape: g.random(shape))[0]

    def normal_rows(self, name: str, rows: int) -> np.ndarray:
        return self._rows(name, "normal", rows, lambda g, shape: g.standard_normal(shape))

    def uniform_rows(self, name: str, rows: int) -> np.ndarray:
        return self._rows(name, "uniform", rows, lambda g, shape: g.random(shape))

    def exponential_rows(self, name: str, rows: int) -> np.ndarray:
        return self._rows(name, "exponential", rows, lambda g, shape: g.standard_exponential(shape))

    def beta(self, name: str, a: float, b: float) -> np.ndarray:
        return self._rows(f"{name}:{a}:{b}", "beta", 1, lambda g, shape: g.beta(a, b, size=shape))[
            0
        ]


def lognormal(median: float, sigma: float, normal: np.ndarray) -> np.ndarray:
    """A lognormal with the given median and log-sigma, from standard normal draws."""
    return median * np.exp(sigma * normal)


def between(low: float, high: float, uniform: np.ndarray) -> np.ndarray:
    """A uniform draw between low and high, from standard uniform draws."""
    return low + (high - low) * uniform
