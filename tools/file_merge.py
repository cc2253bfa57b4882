"""Merging the parts of a big customer file (customer_dialog.export) from
files on disk, in the memory of one part.

Answers the cost of Odoo's merge_pdf (PyPDF2, in memory) on the file of a
big customer: 80 parts of 141 pages took 331 s and 218 MB in one cron call,
more than the cron's time limit. poppler's pdfunite merges them in about a
second and 60 MB; without it (or qpdf), the parts are handed over as one
ZIP of PDF volumes instead of being merged in Python.
"""

import shutil
import subprocess
import zipfile

from lxml import html as lxml_html

# Seconds a merge tool may take before the merge counts as failed.
MERGE_TIMEOUT = 300


def merge_pdf_files(paths, output):
    """Merge the PDF files ``paths`` into ``output`` with pdfunite
    (poppler-utils) or qpdf, whichever is installed; False if neither is."""
    commands = (
        ("pdfunite", [*paths, output]),
        ("qpdf", ["--empty", "--pages", *paths, "--", output]),
    )
    for tool, arguments in commands:
        if executable := shutil.which(tool):
            subprocess.run(
                [executable, *arguments],
                check=True,
                capture_output=True,
                timeout=MERGE_TIMEOUT,
            )
            return True
    return False


def zip_files(members, output):
    """One ZIP file ``output`` of the files ``members`` ((path on disk, name
    in the archive) pairs), written one file at a time."""
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, name in members:
            archive.write(path, name)


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
