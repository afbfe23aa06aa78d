"""The spaCy side of statements: a blank Chinese pipeline with the jieba segmenter.

`blank()` makes the untrained pipeline that training starts from; `type_pipeline()` (spaCy
textcat) and `themes_pipeline()` (the character n-gram theme model, `ingest.theme_model`) load
the trained models shipped in models/ once per process (lazily, on first use). Domain words (政务新媒体, 三审三校...) come from models/jieba_dict.txt so jieba keeps
them whole. Nothing here downloads anything.

spaCy and jieba are imported on first use, each the fast way (`import_spacy`,
`segmenter.initialize`): a cold `ingest parse` spends most of its time starting them.
"""
from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import IngestError
from ..settings import models_dir
from . import segmenter

if TYPE_CHECKING:
    from spacy.language import Language

    from ..theme_model import ThemeModel

TYPE_MODEL = "statement_type"
THEMES_MODEL = "statement_themes"
JIEBA_DICT = "jieba_dict.txt"


def import_spacy():
    """spaCy, imported without its command line when nothing has imported spaCy yet.

    `import spacy` imports `spacy.cli` (for `spacy.info`), and with it typer, requests,
    httpx, weasel and jinja2: ~0.3-0.4 s that loading and running a pipeline never uses.
    While spaCy imports, placeholders stand in for `spacy.cli` and `spacy.cli.info`; they are
    removed straight after, so a later `import spacy.cli` (training) imports the real one,
    and `spacy.info` imports it when called."""
    if "spacy" in sys.modules or "spacy.cli" in sys.modules:
        import spacy

        return spacy
    cli = types.ModuleType("spacy.cli")
    cli.__path__ = []
    info_module = types.ModuleType("spacy.cli.info")

    def info(*args, **kwargs):
        from spacy.cli.info import info as real_info

        return real_info(*args, **kwargs)

    info_module.info = info
    stubs = {"spacy.cli": cli, "spacy.cli.info": info_module}
    sys.modules.update(stubs)
    try:
        import spacy
    finally:
        for name, stub in stubs.items():
            if sys.modules.get(name) is stub:
                del sys.modules[name]
        if getattr(sys.modules.get("spacy"), "cli", None) is cli:
            del sys.modules["spacy"].cli
    return spacy


@segmenter.loaded_once
def load_domain_words(path: str | None = None) -> Path:
    """Add the domain dictionary to jieba (the segmenter spaCy's zh tokenizer calls), once
    per process however many threads ask at once; return its path."""
    jieba = segmenter.import_jieba()
    segmenter.initialize(jieba)
    dict_path = Path(path) if path else models_dir() / JIEBA_DICT
    if dict_path.exists():
        jieba.setLogLevel(60)
        jieba.load_userdict(str(dict_path))
    return dict_path


def blank() -> Language:
    """An empty zh pipeline whose tokenizer segments with jieba plus our domain words."""
    load_domain_words()
    return import_spacy().blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})


def model_path(name: str) -> Path:
    return models_dir() / name


def load_model(path: Path) -> Language:
    """A trained pipeline from disk, or an IngestError saying how to make it."""
    load_domain_words()
    if not (path / "config.cfg").exists():
        raise IngestError(f"no trained model at {path}; run `ingest train` first")
    with segmenter.LOADING:
        return import_spacy().load(path)


@segmenter.loaded_once
def type_pipeline() -> Language:
    """The shipped problem/improvement/other classifier, loaded once per process (threads
    that ask meanwhile wait for it)."""
    return load_model(model_path(TYPE_MODEL))


@segmenter.loaded_once
def themes_pipeline() -> ThemeModel | None:
    """The shipped theme model, or None where none ships (cue rules only); loaded once."""
    from ..theme_model import ThemeModel

    path = model_path(THEMES_MODEL)
    return ThemeModel.load(path) if ThemeModel.exists(path) else None


def model_text(text: str) -> str:
    """What the models see: the statement without surrounding blanks and end punctuation."""
    return text.strip(" \t\u3000，,；;。：:！？!?")


def type_scores(texts: list[str], nlp: Language | None = None) -> list[dict[str, float]]:
    """Given statement texts, return each one's {problem, improvement, other} probabilities."""
    nlp = nlp or type_pipeline()
    return [dict(doc.cats) for doc in nlp.pipe(map(model_text, texts))]


def theme_scores(texts: list[str], model: ThemeModel | None = None) -> list[dict[str, float]]:
    """Given statement texts, return each one's {theme_id: probability} from the theme model
    (empty dicts where no model ships)."""
    model = model or themes_pipeline()
    if model is None:
        return [{} for _ in texts]
    return model.scores([model_text(t) for t in texts])
