"""Coded qualitative data (interviews): model, readers/writers and analyses."""

from ikzlib.qda.maxqda import read_maxqda
from ikzlib.qda.model import CodedProject
from ikzlib.qda.refi import read_qdc, read_qde, read_qdpx, read_refi, write_qdpx
from ikzlib.qda.tidy import read_tidy, write_tidy

__all__ = [
    "CodedProject",
    "read_maxqda",
    "read_qdc",
    "read_qde",
    "read_qdpx",
    "read_refi",
    "read_tidy",
    "write_qdpx",
    "write_tidy",
]
