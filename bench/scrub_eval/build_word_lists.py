"""Build the "usually lower-case" word lists shipped in ``auditkit/scrub/languages/*.words.gz``.

The truecaser (``auditkit.scrub._normalize.truecase``) keeps a word of a
one-case line in lower case when the language's list holds it, and capitalises
it otherwise, so a small NER model sees ``hey its Priya Sharma`` instead of
``hey its priya sharma``. The lists come from spaCy's lookup tables (MIT,
package ``spacy-lookups-data`` 1.0.5, needed only to rebuild, never at run time):

- English: the 100,000 most frequent lower-case words of ``en_lexeme_prob``
  whose lower-case form is at least ``e**-1`` as frequent as their capitalised
  or upper-case form (``will`` and ``church`` are in, ``john`` and ``friday``
  are not), plus common apostrophe-less contractions of chat text.
- French: every form and lemma in ``fr_lemma_lookup`` and ``fr_lemma_exc``
  (dictionary words; few names).
- Both: spaCy's own stop-word list for the language (function words) and a
  few chat abbreviations (``thx``, ``stp``, ``mdr``).

No list is built from the evaluation set or its generators.

Run: ``pip download spacy-lookups-data==1.0.5 --no-deps -d /tmp/l && python bench/scrub_eval/build_word_lists.py /tmp/l/spacy_lookups_data-1.0.5-py2.py3-none-any.whl``
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "auditkit" / "scrub" / "languages"
CONTRACTIONS = (
    "dont cant wont im ive thats whats isnt doesnt didnt wasnt youre theyre hes shes lets youll wouldnt "
    "couldnt shouldnt arent werent havent hasnt aint gonna wanna gotta idk tbh omg thx pls plz ur"
).split()
FRENCH_CHAT = "ok stp svp mdr ptdr pff bcp tkt jsp dsl cc slt bjr bsr rdv jpp mtn pk pq".split()


def _table(wheel: zipfile.ZipFile, name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(gzip.decompress(wheel.read(f"spacy_lookups_data/data/{name}.json.gz")))
    return data


def english(wheel: zipfile.ZipFile, top: int = 100_000, margin: float = -1.0) -> list[str]:
    prob = _table(wheel, "en_lexeme_prob")
    word = re.compile(r"^[a-z][a-z'-]*$")
    ranked = sorted((w for w in prob if word.match(w)), key=lambda w: -float(prob[w]))[:top]  # type: ignore[arg-type]

    def other(w: str) -> float:
        return max(float(prob.get(w.capitalize(), -99.0)), float(prob.get(w.upper(), -99.0)))  # type: ignore[arg-type]

    keep = {w for w in ranked if float(prob[w]) - other(w) > margin} | set(CONTRACTIONS)  # type: ignore[arg-type]
    from spacy.lang.en.stop_words import STOP_WORDS

    return sorted(keep | {w for w in STOP_WORDS if word.match(w)})


def french(wheel: zipfile.ZipFile) -> list[str]:
    from spacy.lang.fr.stop_words import STOP_WORDS

    lookup = _table(wheel, "fr_lemma_lookup")
    exc = _table(wheel, "fr_lemma_exc")
    word = re.compile(r"^[a-zàâäçéèêëîïôöùûüÿœæ][a-zàâäçéèêëîïôöùûüÿœæ'’-]*$")
    forms = set(lookup) | {str(lemma) for lemmas in lookup.values() for lemma in lemmas}  # type: ignore[attr-defined]
    for table in exc.values():
        forms |= set(table)  # type: ignore[arg-type]
    return sorted({w for w in forms | set(STOP_WORDS) | set(FRENCH_CHAT) if word.match(w)})


def _write(name: str, words: list[str], source: str) -> None:
    header = f"# words usually written in lower case; built by bench/scrub_eval/build_word_lists.py from {source}\n"
    (OUT / name).write_bytes(gzip.compress((header + "\n".join(words) + "\n").encode("utf-8"), mtime=0))
    print(f"{name}: {len(words)} words")


def main() -> None:
    """Write ``en.words.gz`` and ``fr.words.gz`` from the spacy-lookups-data wheel given as argument."""
    with zipfile.ZipFile(sys.argv[1]) as wheel:
        _write("en.words.gz", english(wheel), "spacy-lookups-data 1.0.5 en_lexeme_prob (MIT)")
        _write("fr.words.gz", french(wheel), "spacy-lookups-data 1.0.5 fr_lemma_lookup (MIT)")


if __name__ == "__main__":
    main()
