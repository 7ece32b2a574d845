"""Interview coding in the QDA tools researchers use, through the REFI-QDA exchange standard.

NVivo, MAXQDA, ATLAS.ti and QualCoder exchange a codebook (``.qdc``, namespace ``urn:QDA-XML:codebook:1.0``)
and a project (``.qdpx``: a zip of ``project.qde`` in ``urn:QDA-XML:project:1.0`` plus its ``Sources/``).
A team codes its transcripts once, in its own tool, against the codebook :mod:`.codebook` writes from the
study's instrument; :mod:`.project` reads the coded project back as codings (and the coded segments as
quotes, :mod:`.quotes`); :mod:`.writer` writes a project from a simulated study for the round trip.
See ``docs/qda.md``.
"""

from lovende_research.qda.codebook import InstrumentCode, codebook_xml, instrument_codes, write_codebook
from lovende_research.qda.project import CodedProject, read_project

__all__ = ["CodedProject", "InstrumentCode", "codebook_xml", "instrument_codes", "read_project", "write_codebook"]
