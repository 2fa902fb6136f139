"""make valgrind: the compiled twin's unit tests under valgrind's memcheck.

CPython itself (a release build) and glibc's loader make memcheck reports of
their own (CPython 3.11's int.from_bytes reads an unset digit of a zero int,
ld.so's strncmp reads past a string's end), and values derived from them
travel on through the interpreter. So this reads memcheck's XML and fails on
any report with a frame in cydiff's extension modules; the others are counted.
"""

import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

TESTS = ["test_value.py", "test_dual.py", "test_functions.py", "test_bad_input.py",
         "test_pickle.py", "test_conventions.py", "test_tape.py", "test_records.py",
         "test_protocols.py", "test_fuzz.py::test_spoiled_records_load_alike"]
FUZZ_EXAMPLES = "300"  # spoiled records; memcheck runs Python some 50 times slower


def main() -> int:
    here = Path(__file__).resolve().parent
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "memcheck.xml"
        command = ["valgrind", "--tool=memcheck", "--xml=yes", f"--xml-file={xml}",
                   "--leak-check=no", sys.executable, "-m", "pytest", "-q",
                   "-p", "no:cacheprovider", "-m", "c_extensions and not slow",
                   *(str(here / t) for t in TESTS)]
        environment = {**os.environ, "PYTHONMALLOC": "malloc",
                       "CYDIFF_FUZZ_EXAMPLES": os.environ.get("CYDIFF_FUZZ_EXAMPLES", FUZZ_EXAMPLES)}
        tests = subprocess.run(command, env=environment, cwd=tmp)
        errors = ET.parse(xml).getroot().findall("error")
    leaks = [e for e in errors if (e.findtext("kind") or "").startswith("Leak_")]
    errors = [e for e in errors if e not in leaks]  # memory kept at exit is no error
    ours = []
    for error in errors:
        frames = error.findall("./stack/frame")
        where = [(f.findtext("obj") or "") + " " + (f.findtext("fn") or "") for f in frames]
        if any("cydiff" in w or "__pyx_" in w for w in where):
            ours.append((error.findtext("kind"), where[:8]))
    print(f"valgrind memcheck: {len(errors)} error reports, {len(ours)} with a frame in cydiff "
          f"({len(leaks)} records of memory still held at exit, not errors); "
          f"tests exited {tests.returncode}")
    for kind, where in ours:
        print(kind, *where, sep="\n    ")
    return 1 if ours or tests.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
