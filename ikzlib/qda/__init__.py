"""Coded qualitative data (interviews): model, readers/writers and analyses."""

from ikzlib.qda.model import CodedProject

__all__ = ["CodedProject"]
