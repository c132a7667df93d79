"""A recall probe that needs no labels: plant synthetic identifiers in the user's own texts and count survivals.

For every entity type the scrubber is configured to find, the probe draws
``per_type`` fake identifiers (:mod:`auditkit.scrub._probe_values`) and plants
them in a seeded sample of the user's real texts at the places identifiers
naturally sit: in a header line above the text, in running text (the phrase
replaces a word) and in a signature line below it. Each probe text is a stretch of
about 250 characters of a host text carrying five identifiers (a header, three in
the text, a signature), usually of five different types. The same scrubber
analyses the probe texts; an identifier is *caught* when every letter and digit of
it lies inside a detected span (of any type: any replacement removes it), and
*survives* otherwise, even in part. Recall per type is caught / planted with an
exact (Clopper-Pearson) binomial interval.

What it measures is recall on inserted identifiers, in the user's context and
formats the probe knows; it bounds, but does not equal, recall on the corpus's
own identifiers (whose formats may be ones no generator draws). Probe texts and
their identifiers live in memory only: nothing of them is logged or written.

Size: the default of 400 per type gives a 95% interval half-width of at most 2.3
points when observed recall is 0.95 or more (0.5 at 1.0, 1.8 at 0.97, 3.1 at 0.90);
the worst case (recall 0.5) would need about 1,070 per type. With the 18 default
entity types that is 7,200 identifiers in 1,440 probe texts: on the bundled demo
(800 notes) about 11-14 s of one core, twice what scrubbing the notes themselves
takes; 300 per type would cost a quarter less and widen the interval to 2.6
points at 0.95.
"""

from __future__ import annotations

import math
import random
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from auditkit._logging import get_logger
from auditkit.scorecard import Metric
from auditkit.scrub._engine import RowFailure
from auditkit.scrub._probe_values import KINDS, fill

if TYPE_CHECKING:
    from auditkit.scrub._scrubber import Scrubber
    from auditkit.scrub._summary import ScrubSummary

__all__ = [
    "POSITIONS", "PROBE_LABEL", "RecallProbe", "Reservoir", "add_recall_probe", "clopper_pearson", "probe_texts_needed",
    "recall_probe", "sample_hosts",
]

_log = get_logger(__name__)

PROBE_LABEL = "recall on inserted identifiers; bounds but does not equal recall on the corpus's own identifiers"
POSITIONS = ("header", "inline", "signature")
WINDOW = 250
"""Characters of a host text around the planted identifiers (a few sentences of real context)."""
_NO_GENERATOR = "no synthetic generator for this entity type; its recall was not probed"
_NO_HOSTS = "no non-empty text to plant identifiers in; recall was not probed"
_ALL_WITHHELD = "every probe text holding this type was withheld (analysis failed); recall not measured"
_WORD = re.compile(r"(?<![\w-])[a-z]{3,}(?![\w-])")
_LAYOUT = ("header", "inline", "signature", "inline", "inline")
"""Where the i-th identifier of a probe text goes (five per text: a header, three in the text, a signature)."""


@dataclass(frozen=True)
class RecallProbe:
    """What the probe found.

    Attributes
    ----------
    recall:
        Per entity type: caught / planted, with a Clopper-Pearson interval and ``n``
        (planted identifiers in analysed texts); undefined with a reason when the
        type could not be probed.
    info:
        How it was measured: label, sizes, positions, interval, seconds, withheld
        texts and recall per position (aggregates only).
    """

    recall: dict[str, Metric]
    info: dict[str, Any] = field(default_factory=dict)

    def recall_dict(self) -> dict[str, dict[str, Any]]:
        """``{TYPE: {value, ci_low, ci_high, reason, n}}`` in entity order."""
        return {entity: metric.to_dict() for entity, metric in sorted(self.recall.items())}


@dataclass(frozen=True)
class _Plant:
    entity: str
    position: str
    start: int
    end: int


def clopper_pearson(caught: int, n: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """Exact binomial interval for ``caught`` successes out of ``n`` (``n`` > 0)."""
    from scipy.stats import beta

    alpha = 1.0 - confidence
    low = 0.0 if caught == 0 else float(beta.ppf(alpha / 2, caught, n - caught + 1))
    high = 1.0 if caught == n else float(beta.ppf(1 - alpha / 2, caught + 1, n - caught))
    return low, high


def _metric(caught: int, n: int, reason: str, confidence: float) -> Metric:
    if n == 0:
        return Metric.undefined(reason, n=0)
    low, high = clopper_pearson(caught, n, confidence=confidence)
    return Metric(round(caught / n, 6), round(low, 6), round(high, 6), PROBE_LABEL, n)


def _window(text: str, size: int, rng: random.Random) -> str:
    """A random stretch of about ``size`` characters of ``text``, cut at spaces."""
    if len(text) <= size:
        return text
    start = rng.randrange(len(text) - size)
    space = text.find(" ", start, start + 50)
    start = space + 1 if space >= 0 else start
    end = start + size
    space = text.rfind(" ", end - 50, end)
    return text[start : space if space > start else end]


class Reservoir:
    """A uniform sample of at most ``size`` non-empty texts from a stream of any length (one pass, bounded memory).

    Each kept text is cut to a random window of ``4 * window`` characters.
    """

    def __init__(self, size: int, *, seed: int, window: int = WINDOW) -> None:
        self.size, self.window = size, window
        self.items: list[str] = []
        self._seen = 0
        self._rng = random.Random(seed)

    def add(self, value: Any) -> None:
        """Offer one cell value (non-text and blank values are skipped)."""
        if self.size <= 0 or not isinstance(value, str) or not value.strip():
            return
        self._seen += 1
        if len(self.items) < self.size:
            self.items.append(_window(value, 4 * self.window, self._rng))
            return
        slot = self._rng.randrange(self._seen)
        if slot < self.size:
            self.items[slot] = _window(value, 4 * self.window, self._rng)


def sample_hosts(texts: Iterable[Any], k: int, *, seed: int, window: int = WINDOW) -> list[str]:
    """Reservoir-sample ``k`` non-empty texts from ``texts`` (see :class:`Reservoir`)."""
    reservoir = Reservoir(k, seed=seed, window=window)
    for value in texts:
        reservoir.add(value)
    return reservoir.items


def _plan(entities: Sequence[str], per_type: int, rng: random.Random) -> list[list[str]]:
    """Groups of up to :data:`_LAYOUT` entity types, one probe text each; every type appears ``per_type`` times."""
    order: list[str] = []
    for _ in range(per_type):
        round_ = list(entities)
        rng.shuffle(round_)
        order.extend(round_)
    return [order[i : i + len(_LAYOUT)] for i in range(0, len(order), len(_LAYOUT))]


def _inline(body: str, phrases: list[tuple[str, int]], rng: random.Random) -> tuple[str, list[int]]:
    """Replace distinct words of ``body`` by the phrases (appended when words run out); value offsets in the result."""
    words = list(_WORD.finditer(body))
    chosen = sorted(rng.sample(words, min(len(words), len(phrases))), key=lambda m: m.start())
    out, starts, cursor = [], [], 0
    for (phrase, at), word in zip(phrases, chosen, strict=False):
        out.append(body[cursor : word.start()])
        starts.append(sum(map(len, out)) + at)
        out.append(phrase)
        cursor = word.end()
    out.append(body[cursor:])
    for phrase, at in phrases[len(chosen) :]:
        out.append(" " if any(out) else "")
        starts.append(sum(map(len, out)) + at)
        out.append(phrase)
    return "".join(out), starts


def _compose(host: str, group: list[str], rng: random.Random, window: int) -> tuple[str, list[_Plant]]:
    """Plant the group's identifiers in a window of ``host``: a header line, replaced words, a signature line."""
    lines: dict[str, tuple[str, int, str, int]] = {}
    inline: list[tuple[str, int, str, int]] = []
    for entity, position in zip(group, _LAYOUT, strict=False):
        value = KINDS[entity].make(rng)
        text, at = fill(rng.choice(getattr(KINDS[entity], position)), value, rng)
        if position == "inline":
            inline.append((text, at, entity, len(value)))
        else:
            lines[position] = (text, at, entity, len(value))
    body, starts = _inline(_window(host, window, rng), [(text, at) for text, at, _, _ in inline], rng)
    plants: list[_Plant] = []
    offset = 0
    if "header" in lines:
        text, at, entity, size = lines["header"]
        plants.append(_Plant(entity, "header", at, at + size))
        body, offset = text + "\n" + body, len(text) + 1
    plants += [_Plant(e, "inline", offset + at, offset + at + size) for (_, _, e, size), at in zip(inline, starts, strict=True)]
    if "signature" in lines:
        text, at, entity, size = lines["signature"]
        plants.append(_Plant(entity, "signature", len(body) + 1 + at, len(body) + 1 + at + size))
        body = body + "\n" + text
    return body, plants


def _caught(text: str, plant: _Plant, spans: list[tuple[int, int]]) -> bool:
    """Whether every letter and digit of the planted value lies inside a detected span."""
    return all(
        any(start <= i < end for start, end in spans)
        for i in range(plant.start, plant.end)
        if text[i].isalnum()
    )


@dataclass
class _Tally:
    caught: dict[str, int] = field(default_factory=dict)
    planted: dict[str, int] = field(default_factory=dict)
    withheld: int = 0

    def add(self, key: str, hit: bool) -> None:
        self.planted[key] = self.planted.get(key, 0) + 1
        self.caught[key] = self.caught.get(key, 0) + int(hit)


def _run(scrubber: Scrubber, jobs: list[tuple[str, list[_Plant]]], batch: int) -> tuple[_Tally, _Tally]:
    by_type, by_position = _Tally(), _Tally()
    for first in range(0, len(jobs), batch):
        chunk = jobs[first : first + batch]
        found = scrubber.engine.detect_many([text for text, _ in chunk])
        for (text, plants), detections in zip(chunk, found, strict=True):
            if isinstance(detections, RowFailure):
                by_type.withheld += 1
                continue
            spans = [(d.start, d.end) for d in detections]
            for plant in plants:
                hit = _caught(text, plant, spans)
                by_type.add(plant.entity, hit)
                by_position.add(plant.position, hit)
    return by_type, by_position


def recall_probe(
    scrubber: Scrubber,
    texts: Sequence[Any],
    *,
    per_type: int = 400,
    seed: int = 13,
    window: int = WINDOW,
    confidence: float = 0.95,
    batch: int = 256,
) -> RecallProbe:
    """Measure the scrubber's recall on identifiers planted in ``texts``.

    Parameters
    ----------
    scrubber:
        The configured scrubber (its in-process engine analyses the probe texts).
    texts:
        The user's texts to plant identifiers in (non-text and blank values are skipped).
    per_type:
        Identifiers planted per entity type (the interval's ``n``).
    seed:
        Seeds the choice of texts, positions and values.
    window:
        Probe texts use a stretch of about this many characters of a host text.
    confidence:
        Confidence of the intervals.
    batch:
        Probe texts analysed per engine call.

    Returns
    -------
    RecallProbe
    """
    started = time.perf_counter()
    entities = list(scrubber.engine.entities)
    probed = [e for e in entities if e in KINDS]
    hosts = [t for t in texts if isinstance(t, str) and t.strip()]
    recall = {e: Metric.undefined(_NO_GENERATOR) for e in entities if e not in KINDS}
    if not hosts:
        recall.update({e: Metric.undefined(_NO_HOSTS, n=0) for e in probed})
        return RecallProbe(recall, {"label": PROBE_LABEL, "types": sorted(entities), "per_type": per_type, "probe_texts": 0,
                                    "reason": _NO_HOSTS})
    rng = random.Random(seed)
    jobs = [_compose(rng.choice(hosts), group, rng, window) for group in _plan(probed, per_type, rng)]
    by_type, by_position = _run(scrubber, jobs, batch)
    for entity in probed:
        recall[entity] = _metric(by_type.caught.get(entity, 0), by_type.planted.get(entity, 0), _ALL_WITHHELD, confidence)
    seconds = time.perf_counter() - started
    _log.info("recall probe: %d texts, %d types, %.1f s", len(jobs), len(probed), seconds)
    info = {
        "label": PROBE_LABEL, "types": sorted(entities), "per_type": per_type, "probe_texts": len(jobs),
        "host_texts": len(hosts),
        "withheld_texts": by_type.withheld, "positions": list(POSITIONS),
        "interval": f"Clopper-Pearson exact binomial, {confidence:.0%}",
        "rule": "caught when every letter and digit of the planted identifier is inside a detected span",
        "by_position": {p: _metric(by_position.caught.get(p, 0), by_position.planted.get(p, 0), _ALL_WITHHELD,
                                   confidence).to_dict() for p in POSITIONS},
        "seconds": round(seconds, 3),
    }
    return RecallProbe(recall, info)


def probe_texts_needed(entities: int, per_type: int) -> int:
    """Number of probe texts the probe builds for ``entities`` types (five identifiers per text)."""
    return math.ceil(entities * per_type / len(_LAYOUT))


def add_recall_probe(summary: ScrubSummary, scrubber: Scrubber, texts: Sequence[Any], *, seed: int) -> None:
    """Run the probe as ``scrubber.config`` says (``recall_probe``, ``probe_per_type``) and record it in ``summary``."""
    config = scrubber.config
    if not config.recall_probe:
        summary.recall_probe = None
        summary.recall_probe_info = {"status": "not_run", "reason": "scrub.recall_probe is false", "label": PROBE_LABEL}
        return
    probe = recall_probe(scrubber, texts, per_type=config.probe_per_type, seed=seed)
    summary.recall_probe = dict(sorted(probe.recall.items()))
    summary.recall_probe_info = {"status": "ok" if probe.info["probe_texts"] else "not_run", **probe.info}
