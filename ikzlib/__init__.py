"""ikzlib: data, models and analyses for studying inter-municipal cooperation (IKZ).

The package is the repeatable part of the IKZ case-study suite; the notebooks in
``notebooks/`` call into it and hold no logic of their own beyond presentation.
"""

__version__ = "0.1.0"
