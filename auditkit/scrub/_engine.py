"""The detection engine: Presidio's analyser fed by one batched spaCy NER pass.

Presidio's ``AnalyzerEngine.analyze`` runs the whole spaCy pipeline (tagger,
parser, lemmatiser, NER) once per document. Only NER matters for PII, so the
engine runs ``nlp.pipe`` over a batch with every other component disabled, turns
each doc into Presidio ``NlpArtifacts`` itself and hands them to ``analyze``,
which then only runs the pattern recognisers. Long texts are cut into
overlapping chunks; each row gets a time budget, and a row whose analysis fails
or overruns is returned as a failure (the caller quarantines it).

What is language-specific (recognisers, NER label mapping, word lists) comes
from the language pack ``scrub.language`` names. Before analysis, tags this
run wrote are blanked and other bracketed text opened (:func:`open_tags`), and
lines written in one case are truecased (:func:`truecase`); every view keeps
the text's length, so spans map back exactly.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditkit._logging import get_logger
from auditkit._offline import force_offline, offline_tldextract
from auditkit.config import ScrubConfig
from auditkit.exceptions import ConfigError
from auditkit.scrub._context import WindowContextEnhancer
from auditkit.scrub._languages import load_language
from auditkit.scrub._normalize import CasedView, deshout, ner_view, normalize, open_tags, truecase
from auditkit.scrub._postprocess import NameRules
from auditkit.scrub._recognizers import MONO_SPANS, default_recognizers

__all__ = ["DEFAULT_ENTITIES", "Detection", "DetectionEngine", "RowFailure"]

_log = get_logger(__name__)

DEFAULT_ENTITIES: tuple[str, ...] = load_language("en").entities
"""The entity types scrubbed by default in English (each language file lists its own)."""


@dataclass(frozen=True)
class Detection:
    """One detected identifier: entity type, span in the original text, score."""

    entity: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class RowFailure:
    """A row the engine could not analyse; ``reason`` never contains text."""

    reason: str


class _RowTimeout(Exception):  # noqa: N818 - internal signal
    pass


class _Deadline:
    """The current row's time budget; recognisers check it before and after running."""

    def __init__(self, budget_s: float) -> None:
        self.budget_s = budget_s
        self.expires = float("inf")

    def start(self) -> None:
        self.expires = time.monotonic() + self.budget_s

    def check(self) -> None:
        if time.monotonic() > self.expires:
            raise _RowTimeout


def _guard(recognizer: Any, deadline: _Deadline) -> None:
    inner: Callable[..., Any] = recognizer.analyze

    def analyze(*args: Any, **kwargs: Any) -> Any:
        deadline.check()
        results = inner(*args, **kwargs)
        deadline.check()
        return results

    recognizer.analyze = analyze


def _load_nlp(model: str) -> Any:
    import spacy

    if not (spacy.util.is_package(model) or Path(model).exists()):
        raise ConfigError(
            f"scrub.spacy_model: spaCy model {model!r} is not installed; expected an installed "
            "spaCy model package or folder; install it with pip (auditkit never downloads models)"
        )
    nlp = spacy.load(model)
    if "ner" not in nlp.pipe_names:
        raise ConfigError(
            f"scrub.spacy_model: spaCy model {model!r} has no 'ner' component; expected a "
            "pipeline with named-entity recognition; choose another model"
        )
    keep = {"ner"}
    for name, component in nlp.pipeline:
        if "ner" in (getattr(component, "listening_components", None) or []):
            keep.add(name)
    nlp.select_pipes(enable=[name for name in nlp.pipe_names if name in keep])
    nlp.max_length = max(nlp.max_length, 2_000_000)
    return nlp


def _chunks(text: str, size: int, overlap: int) -> list[tuple[int, str]]:
    if len(text) <= size:
        return [(0, text)]
    pieces: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind(" ", start + size // 2, end)
            end = cut if cut > start else end
        pieces.append((start, text[start:end]))
        if end >= len(text):
            break
        nxt = text.find(" ", max(start + 1, end - overlap), end)
        start = nxt if nxt > start else max(start + 1, end - overlap)
    return pieces


class DetectionEngine:
    """Presidio analyser + a NER-only spaCy pipeline, built once per process.

    Parameters
    ----------
    config:
        The scrub section of the run configuration.
    extra_recognizers:
        More Presidio recognisers to register (used by tests and plug-ins).
    """

    def __init__(self, config: ScrubConfig, *, extra_recognizers: Sequence[Any] = ()) -> None:
        force_offline()
        offline_tldextract()
        from presidio_analyzer import AnalyzerEngine, PatternRecognizer, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

        self.config = config
        self.pack = load_language(config.language)
        self.names = NameRules(self.pack)
        self.lower_words = self.pack.lower_words
        self.nlp = _load_nlp(config.spacy_model)
        if self.nlp.lang != config.language:
            raise ConfigError(
                f"scrub.language: {config.language!r} does not match the spaCy model's language "
                f"{self.nlp.lang!r}; expected the model's language; set scrub.language or choose a model for it"
            )
        ner_conf = NerModelConfiguration(
            model_to_presidio_entity_mapping=dict(self.pack.ner_labels), labels_to_ignore=list(self.pack.ner_ignore)
        )
        nlp_engine = SpacyNlpEngine(
            models=[{"lang_code": config.language, "model_name": config.spacy_model}],
            ner_model_configuration=ner_conf,
        )
        nlp_engine.nlp = {config.language: self.nlp}
        self._nlp_engine = nlp_engine
        registry = RecognizerRegistry(supported_languages=[config.language])
        registry.load_predefined_recognizers(nlp_engine=nlp_engine, languages=[config.language])
        for name in self.pack.presidio_remove:
            registry.remove_recognizer(name)
        for recognizer in default_recognizers(config.language):
            registry.add_recognizer(recognizer)
        entities = list(config.entities or self.pack.entities)
        for entity, words in sorted(config.deny_list.items()):
            registry.add_recognizer(
                PatternRecognizer(
                    supported_entity=entity, deny_list=list(words), name=f"deny_{entity.lower()}",
                    supported_language=config.language,
                )
            )
            entities.append(entity)
        for recognizer in extra_recognizers:
            registry.add_recognizer(recognizer)
            entities.extend(recognizer.supported_entities)
        self.entities = sorted(set(entities))
        self.deadline = _Deadline(config.row_timeout_s)
        for recognizer in registry.recognizers:
            for entity, words in config.context_words.items():
                if entity in recognizer.supported_entities:
                    recognizer.context = list(recognizer.context or []) + list(words)
            _guard(recognizer, self.deadline)
        self.analyzer = AnalyzerEngine(
            registry=registry,
            nlp_engine=nlp_engine,
            supported_languages=[config.language],
            context_aware_enhancer=WindowContextEnhancer(),
        )
        self._check_entities()
        _log.debug("scrub engine ready: %d recognisers, %d entity types", len(registry.recognizers), len(self.entities))

    def _check_entities(self) -> None:
        supported = set(self.analyzer.get_supported_entities(self.config.language))
        missing = sorted(set(self.entities) - supported)
        if missing:
            raise ConfigError(
                f"scrub.entities: no recogniser for {', '.join(missing)}; expected entity types among "
                f"{len(supported)} supported ones (e.g. PERSON, PHONE_NUMBER); remove them or add a deny_list"
            )

    def detect_many(
        self, texts: Sequence[str], *, exempt: Container[str] = frozenset()
    ) -> list[list[Detection] | RowFailure]:
        """Analyse ``texts``; each row gives its detections or a :class:`RowFailure`.

        Parameters
        ----------
        texts:
            Texts to analyse (already validated as ``str``).
        exempt:
            The exact tags auditkit wrote in this run (``Operator.registry``): they
            are not analysed. Anything else in angle brackets is.

        Returns
        -------
        list
            One entry per text, in order.
        """
        norms = [normalize(open_tags(text, exempt)) for text in texts]
        views = [truecase(norm.text, self.lower_words) for norm in norms]
        plan = [_chunks(view.text, self.config.chunk_chars, self.config.chunk_overlap) for view in views]
        flat = [deshout(ner_view(chunk, self.pack.ner_common)) for chunks in plan for _, chunk in chunks]
        docs = self._docs(flat)
        out: list[list[Detection] | RowFailure] = []
        cursor = 0
        for norm, view, chunks in zip(norms, views, plan, strict=True):
            row_docs = docs[cursor : cursor + len(chunks)]
            cursor += len(chunks)
            out.append(self._detect_row(norm, view, chunks, row_docs))
        return out

    def _docs(self, texts: list[str]) -> list[Any]:
        try:
            return list(self.nlp.pipe(texts, batch_size=self.config.batch_size))
        except Exception:  # noqa: BLE001 - isolate the failing text below
            _log.debug("batched NER failed; retrying %d texts one by one", len(texts))
        docs: list[Any] = []
        for text in texts:
            try:
                docs.append(self.nlp(text))
            except Exception as exc:  # noqa: BLE001 - becomes a quarantined row
                docs.append(RowFailure(f"NER failed ({type(exc).__name__})"))
        return docs

    def _detect_row(
        self, norm: Any, view: CasedView, chunks: list[tuple[int, str]], docs: list[Any]
    ) -> list[Detection] | RowFailure:
        for doc in docs:
            if isinstance(doc, RowFailure):
                return doc
        found: list[Detection] = []
        self.deadline.start()
        try:
            for (offset, chunk), doc in zip(chunks, docs, strict=True):
                mono = [(max(a, offset) - offset, min(b, offset + len(chunk)) - offset) for a, b in view.mono if a < offset + len(chunk) and b > offset]
                found.extend(self._analyze_chunk(chunk, offset, doc, mono))
            found = self._refine_names(view, found)
        except _RowTimeout:
            return RowFailure(f"analysis exceeded the time budget (scrub.row_timeout_s={self.config.row_timeout_s})")
        except Exception as exc:  # noqa: BLE001 - fail closed, reason without data
            return RowFailure(f"analysis failed ({type(exc).__name__})")
        finally:
            self.deadline.expires = float("inf")
        mapped = []
        for det in found:
            start, end = norm.to_original(det.start, det.end)
            mapped.append(Detection(det.entity, start, end, det.score))
        return mapped

    def _artifacts(self, doc: Any) -> Any:
        from presidio_analyzer.nlp_engine import NlpArtifacts

        ents = list(doc.ents)
        scores = [self._nlp_engine.ner_model_configuration.default_score] * len(ents)
        ents, scores = self._nlp_engine._get_updated_entities(ents, scores)
        return NlpArtifacts(
            entities=ents, tokens=doc, tokens_indices=[], lemmas=[], nlp_engine=self._nlp_engine,
            language=self.config.language, scores=scores,
        )

    def _analyze_chunk(self, chunk: str, offset: int, doc: Any, mono: list[tuple[int, int]]) -> list[Detection]:
        artifacts = self._artifacts(doc)
        setattr(artifacts, MONO_SPANS, mono)
        results = self.analyzer.analyze(
            chunk,
            language=self.config.language,
            entities=self.entities,
            score_threshold=self.config.score_threshold,
            allow_list=list(self.config.allow_list) or None,
            nlp_artifacts=artifacts,
        )
        out = []
        for res in results:
            if res.entity_type == "DATE_TIME" and not self.names.is_date_like(chunk[res.start : res.end]):
                continue
            out.append(Detection(res.entity_type, res.start + offset, res.end + offset, float(res.score)))
        return out

    def _refine_names(self, view: CasedView, found: list[Detection]) -> list[Detection]:
        """Trim titles off PERSON spans, widen them over the rest of the name, add other mentions."""
        text = view.text
        persons = [d for d in found if d.entity == "PERSON"]
        emails = [(d.start, d.end) for d in found if d.entity == "EMAIL_ADDRESS"]
        if not persons and not emails:
            return found
        widened = self.names.expand(text, [(d.start, d.end) for d in persons])
        mentions = self.names.expand(text, self.names.mentions(text, widened, emails, view.mono))
        others = [d for d in found if d.entity != "PERSON"]
        return others + [Detection("PERSON", start, end, 0.6) for start, end in widened + mentions]
