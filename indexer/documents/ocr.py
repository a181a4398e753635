"""Text of a page image through Tesseract (Debian: tesseract-ocr, -fin, -swe), or why not.

Tesseract runs as its own program, one page at a time, with the page's time limit: a page
that takes too long is killed alone and the rest of the document is still read. It runs on
one thread (OMP_THREAD_LIMIT=1): a build already keeps every core busy with a worker each.
"""

import ctypes
import functools
import os
import shutil
import signal
import subprocess
import sys

# Finnish first; Swedish for the bilingual municipalities' documents.
LANGUAGES = ("fin", "swe")
_PR_SET_PDEATHSIG = 1


class OcrUnavailable(Exception):
    """Tesseract, or every one of its language data, is not installed here."""


class OcrFailed(Exception):
    """Tesseract could not read the page; the message says why, for a person."""


@functools.cache
def languages() -> str:
    """Return the Tesseract languages to read with ("fin+swe"); raise OcrUnavailable."""
    program = shutil.which("tesseract")
    if program is None:
        raise OcrUnavailable(
            "Tesseract is not installed (Debian: tesseract-ocr tesseract-ocr-fin tesseract-ocr-swe)"
        )
    listed = subprocess.run(
        [program, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
    )
    installed = set(listed.stdout.split())
    found = [lang for lang in LANGUAGES if lang in installed]
    if not found:
        raise OcrUnavailable("Tesseract has no Finnish or Swedish data (tesseract-ocr-fin)")
    return "+".join(found)


def read_image(image: bytes, dpi: int, seconds: float) -> str:
    """Return the text Tesseract reads in an image (PGM, PNG), within `seconds`."""
    command = ["tesseract", "stdin", "stdout", "-l", languages(), "--dpi", str(dpi)]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            command,
            input=image,
            capture_output=True,
            timeout=seconds,
            env=env,
            preexec_fn=_die_with_parent,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise OcrFailed(f"OCR took longer than the {seconds:.3g} s limit") from None
    if done.returncode != 0:
        said = done.stderr.decode(errors="replace").strip().splitlines()
        raise OcrFailed(f"Tesseract failed: {said[-1] if said else done.returncode}")
    return done.stdout.decode("utf-8", errors="replace")


def _die_with_parent() -> None:
    # The extraction worker that started Tesseract is killed at its own deadline: the
    # program must not go on reading a page for nobody.
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
