"""Merging the parts of a big customer file (customer_dialog.export) from
files on disk, in the memory of one part.

Answers the cost of Odoo's merge_pdf (PyPDF2, in memory) on the file of a
big customer: 80 parts of 141 pages took 331 s and 218 MB in one cron call,
more than the cron's time limit. poppler's pdfunite merges them in about a
second and 60 MB; without it (or qpdf), or when it fails, the parts are
handed over as one ZIP of PDF volumes instead of being merged in Python.
"""

import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from contextlib import contextmanager

from lxml import html as lxml_html

_logger = logging.getLogger(__name__)

# Seconds a merge tool may take: well within a cron worker's real-time
# limit (120 s by default), so that a stuck tool fails over to the ZIP
# instead of getting the worker killed.
MERGE_TIMEOUT = 60
# Files given to one run of a merge tool: it keeps each one open, and a
# worker may open about 1,000 files at once.
MERGE_FILES = 100
# The folders of merges under way; one left by a killed worker is removed
# after STALE_HOURS (it holds a copy of a customer file).
FOLDER_PREFIX = "customer_dialog_export-"
STALE_HOURS = 6
# What no file name in an archive may hold: a folder ("../"), control
# characters.
UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


@contextmanager
def merge_folder():
    """A private temporary folder for one merge, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=FOLDER_PREFIX) as folder:
        yield folder


def remove_stale_folders():
    """Remove the merge folders a killed worker left behind on this node."""
    limit = time.time() - STALE_HOURS * 3600
    root = tempfile.gettempdir()
    for entry in os.scandir(root):
        if entry.name.startswith(FOLDER_PREFIX) and entry.is_dir():
            if entry.stat().st_mtime < limit:
                shutil.rmtree(entry.path, ignore_errors=True)


def safe_file_name(name):
    """``name`` as the name of a file in an archive: no folder, no control
    character (a customer's name is typed by the customer)."""
    return UNSAFE_NAME.sub("_", name).strip(". ") or "file"


def merge_pdf_files(paths, output):
    """Merge the PDF files ``paths`` into ``output`` with pdfunite
    (poppler-utils) or qpdf, whichever is installed, MERGE_FILES at a time;
    False if neither is installed or the merge fails (logged)."""
    tool = next((t for t in ("pdfunite", "qpdf") if shutil.which(t)), None)
    if not tool:
        return False
    try:
        while len(paths) > MERGE_FILES:
            chunks = [
                paths[i : i + MERGE_FILES] for i in range(0, len(paths), MERGE_FILES)
            ]
            paths = [f"{output}.{n:04d}" for n in range(len(chunks))]
            for chunk, merged in zip(chunks, paths, strict=True):
                _run_merge(tool, chunk, merged)
        _run_merge(tool, paths, output)
    except subprocess.CalledProcessError as error:
        _logger.warning("%s failed: %s", tool, error.stderr.decode(errors="replace"))
        return False
    except (subprocess.TimeoutExpired, OSError) as error:
        _logger.warning("%s failed: %s", tool, error)
        return False
    return True


def _run_merge(tool, paths, output):
    arguments = {
        "pdfunite": [*paths, output],
        "qpdf": ["--empty", "--pages", *paths, "--", output],
    }[tool]
    subprocess.run(
        [shutil.which(tool), *arguments],
        check=True,
        capture_output=True,
        timeout=MERGE_TIMEOUT,
    )


def zip_files(members, output):
    """One ZIP file ``output`` of the files ``members`` ((path on disk, name
    in the archive) pairs), written one file at a time; PDFs are already
    compressed, so they are stored as they are."""
    with zipfile.ZipFile(output, "w", zipfile.ZIP_STORED) as archive:
        for path, name in members:
            archive.write(path, safe_file_name(name))


def merge_html_files(paths, output):
    """One HTML document ``output`` of the HTML documents ``paths``: the
    first one, with the pages (body) of the others appended, one document
    in memory at a time."""
    with open(paths[0], "rb") as first:
        head = first.read()
    end = head.rindex(b"</body>")
    with open(output, "wb") as merged:
        merged.write(head[:end])
        for path in paths[1:]:
            with open(path, "rb") as part:
                body = lxml_html.document_fromstring(part.read()).find("body")
            for element in body:
                merged.write(lxml_html.tostring(element, encoding="utf-8"))
        merged.write(head[end:])
