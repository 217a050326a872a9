"""Reading a rendered PDF as its reader would: poppler's tools on its bytes."""

import subprocess
import tempfile
from pathlib import Path


def pdf_run(command, pdf):
    """The output of poppler's ``command`` (a list: the tool and its options)
    on the PDF ``pdf`` (bytes); pdftotext writes to the output."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        return subprocess.run(
            [*command, str(path)] + (["-"] if command[0] == "pdftotext" else []),
            check=True,
            capture_output=True,
            text=True,
        ).stdout


def pdf_text(pdf):
    """The PDF's text layer, laid out as on the page."""
    return pdf_run(["pdftotext", "-layout"], pdf)


def pdf_fonts(pdf):
    """pdffonts' table of the fonts the PDF embeds."""
    return pdf_run(["pdffonts"], pdf)
