"""The README's Python examples run as written and print what the README says."""
import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example(index):
    code = BLOCKS[index]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"README block {index}", "exec"), {"__name__": "__readme__"})
    expected = re.findall(r"print\(.*\)\s+# (.+)", code)
    printed = out.getvalue().splitlines()
    for want in expected:
        assert any(want.strip() == line.strip() for line in printed), (want, printed)
