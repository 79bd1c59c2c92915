"""The crisis check's modules as `make compile` builds them with mypyc: the very verdicts of their source, and
a build older than its source never used."""

import importlib.util
import json
import os
from types import ModuleType

import pytest

from service.core import backstop, compiled, crisis, telex
from service.evaluate import ask_cases, crisis_cases
from service.settings import ROOT


def _source(module: ModuleType) -> ModuleType:
    """``module`` read from its source, under a name of its own (the build stays where it is)."""
    name = module.__name__.rpartition(".")[2]
    spec = importlib.util.spec_from_file_location(f"service.core._{name}_source", compiled.HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    source = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(source)
    return source


def _built(module: ModuleType):
    return pytest.mark.skipif(not compiled.running(module), reason=f"{module.__name__} is not compiled (make compile)")


TEXTS = [case.text for case in (*crisis_cases(), *ask_cases())]


@_built(crisis)
def test_the_compiled_crisis_check_finds_what_its_source_finds(library):
    source = _source(crisis).CrisisMatcher.shared(*library.crisis_matcher_inputs())

    def verdict(signal):
        return signal and (signal.tier, signal.rule, signal.locales)

    differing = [t for t in TEXTS if verdict(library.crisis_matcher.detect(t)) != verdict(source.detect(t))]
    assert not differing
    assert sum(library.crisis_matcher.detect(t) is not None for t in TEXTS) > len(TEXTS) / 3


@_built(backstop)
def test_the_compiled_backstop_weighs_as_its_source_does(library):
    data = json.loads((ROOT / "content" / "crisis_backstop.json").read_text(encoding="utf-8"))
    source = _source(backstop).Backstop(data["weights"], data["bias"], data["threshold"])
    served = library.content.backstop
    assert [served.probability(t) for t in TEXTS] == pytest.approx([source.probability(t) for t in TEXTS], abs=1e-12)


@_built(telex)
def test_compiled_telex_reads_as_its_source_does():
    source = _source(telex)
    texts = [*TEXTS, "tooi muoons cheets", "tuwj tuwr", "em buoonf quas"]
    assert [telex.untelex(t) for t in texts] == [source.untelex(t) for t in texts]


def test_a_build_older_than_its_source_is_not_used(tmp_path):
    (tmp_path / "crisis.py").write_text("", encoding="utf-8")
    assert not compiled.stale("crisis", tmp_path)  # no build: the source, and nothing to warn of
    build = compiled.built("crisis", tmp_path)
    build.write_bytes(b"")
    os.utime(tmp_path / "crisis.py", (1_000_000, 1_000_000))
    os.utime(build, (2_000_000, 2_000_000))
    assert not compiled.stale("crisis", tmp_path)
    os.utime(tmp_path / "crisis.py", (3_000_000, 3_000_000))  # edited after the build
    assert compiled.stale("crisis", tmp_path)
