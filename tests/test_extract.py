import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from service.content.extract import extract_content
from service.content.reader import messages_in_file
from service.settings import ROOT


def test_extractor_yields_context_message_and_comment(tmp_path):
    path = tmp_path / "meds.yaml"
    path.write_text("keyword: MEDS\ntitle: medicines\nparagraphs:\n  - First.\n  - Second one.\n")
    with path.open("rb") as fileobj:
        found = list(extract_content(fileobj, {}, [], {}))
    assert [(line, fn, msg) for line, fn, msg, _ in found] == [
        (1, "pgettext", ("MEDS keywords", "MEDS")),
        (2, "pgettext", ("MEDS title", "medicines")),
        (4, "pgettext", ("MEDS", "First.")),
        (5, "pgettext", ("MEDS", "Second one.")),
    ]
    assert "paragraph 2 of 2" in found[3][3][0] and "459" in found[3][3][0]


def test_plain_pybabel_extract_reproduces_the_committed_template(tmp_path):
    out = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run([pybabel, "extract", "-o", str(out)], cwd=ROOT, check=True, capture_output=True)
    with out.open("rb") as fresh_file, (ROOT / "translations/messages.pot").open("rb") as committed_file:
        fresh = {(m.context, m.id) for m in read_po(fresh_file) if m.id}
        committed = {(m.context, m.id) for m in read_po(committed_file) if m.id}
    assert fresh == committed, "run `make translations` after editing content/"
    assert len(fresh) == len(messages_in_all_content())


def messages_in_all_content():
    found = set()
    for path in (ROOT / "content").glob("*.yaml"):
        found |= {(m.context, m.id) for m in messages_in_file(str(path), path.read_text())}
    return found
