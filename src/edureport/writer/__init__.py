"""Stage 5 of the pipeline: document tree → .docx bytes."""

from .document import write_docx

__all__ = ["write_docx"]
