"""Build a tiny randomly initialised BERT classifier (a few thousand parameters) for tests."""

from __future__ import annotations

from pathlib import Path

TINY_WORDS = (
    "the a an and or of to in on with for at by from is was has had have not no "
    "patient reports presents complains denies history since today yesterday days hours week "
    "chest pain fever cough headache nausea vomiting dizziness shortness breath bleeding rash "
    "mild severe sudden acute chronic follow up routine urgent refill check medication prescription "
    "she he her his him woman man female male mr mrs ms mother father wife husband girl boy "
    "name phone email address dob mrn age year old years triage note clinic visit "
    "person phone_number email_address location date_time us_ssn medical_record "
    "< > . , : ; - / ( ) # @ 0 1 2 3 4 5 6 7 8 9 ##s ##ed ##ing ##ly"
).split()


def build_tiny_model(path: Path, *, num_labels: int = 2, seed: int = 0, labels: tuple[str, ...] = ("routine", "urgent"),
                     dropout: float = 0.1) -> Path:
    """Save a tiny BERT sequence classifier and its tokenizer to ``path`` (``dropout=0`` for bit-comparable runs)."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    torch.manual_seed(seed)
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = special + [w for w in dict.fromkeys(TINY_WORDS) if w not in special]
    tokenizer = BertTokenizer(vocab={w: i for i, w in enumerate(words)})
    config = BertConfig(
        vocab_size=len(words),
        hidden_size=16,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=512,
        hidden_dropout_prob=dropout,
        attention_probs_dropout_prob=dropout,
        num_labels=num_labels,
        id2label=dict(enumerate(labels[:num_labels])),
        label2id={l: i for i, l in enumerate(labels[:num_labels])},
    )
    model = BertForSequenceClassification(config)
    path.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path
