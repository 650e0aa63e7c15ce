"""Mentoring-programme handbook generator.

Pipeline, one module per step (imports flow one way):
``load`` (YAML -> located data) -> ``model`` (typed programme) -> ``validate``
(cross-references, safety) -> ``pages`` / ``workbook`` (render) -> ``build`` -> ``publish``.
"""

__version__ = "0.1.0"
