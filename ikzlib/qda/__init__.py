"""Coded qualitative data (interviews): model, readers/writers and analyses."""

from ikzlib.qda.model import CodedProject
from ikzlib.qda.tidy import read_tidy, write_tidy

__all__ = ["CodedProject", "read_tidy", "write_tidy"]
