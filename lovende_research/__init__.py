"""lovende-research: a workbench for mapping *lovende praksis* on the Danish specialised social area.

The package holds all logic; the notebooks in ``notebooks/`` only call it. Start with
:func:`lovende_research.study.Study.load`, the one loading path every stage uses.
"""

from lovende_research.errors import LovendeError

__version__ = "0.1.0"

__all__ = ["LovendeError", "__version__"]
