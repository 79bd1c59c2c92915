"""The core modules `make compile` builds with mypyc, and their source in place of any build older than it.

mypyc compiles these modules, unchanged, to C extensions beside them ("crisis.cpython-311-x86_64-linux-gnu.so"),
which Python imports in place of the source: the crisis check then takes a third less time. A build left from
before an edit would run the old code, so here, before anything imports it, such a module is read from its
source instead, with a warning; `make` builds it again. Without any build, everything runs from source.
"""

import importlib.util
import logging
import sys
import sysconfig
from pathlib import Path
from types import ModuleType

MODULES = ("telex", "crisis", "backstop")  # each after those it imports; the Makefile's COMPILED names the same
HERE = Path(__file__).parent

log = logging.getLogger(__name__)


def running(module: ModuleType) -> bool:
    """Whether ``module`` runs as its build, not from source."""
    return not str(module.__file__).endswith(".py")


def built(name: str, folder: Path = HERE) -> Path:
    return folder / f"{name}{sysconfig.get_config_var('EXT_SUFFIX')}"


def stale(name: str, folder: Path = HERE) -> bool:
    """Whether module ``name`` has a build older than its source."""
    build = built(name, folder)
    return build.exists() and build.stat().st_mtime < (folder / f"{name}.py").stat().st_mtime


def from_source(name: str) -> None:
    """Import module ``name`` of this package from its source, whatever build lies beside it."""
    spec = importlib.util.spec_from_file_location(f"{__package__}.{name}", HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)


for _name in MODULES:
    if stale(_name) and f"{__package__}.{_name}" not in sys.modules:
        log.warning("service/core/%s.py changed after it was compiled: running it from source (run make)", _name)
        from_source(_name)
