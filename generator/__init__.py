"""Mentoring-programme handbook generator.

Pipeline, one module per step (imports flow one way):
``load`` (YAML -> located data) -> ``model`` (typed programme) -> ``validate``
(cross-references, safety) -> ``pages`` / ``workbook`` (render) -> ``build`` -> ``publish``.
"""

# Semantic versioning for teams whose handbook repositories pin the generator (see CHANGELOG.md):
# MAJOR when a programme file, a theme override or a command that worked stops working;
# MINOR for new features that need no change to content; PATCH for fixes.
__version__ = "0.2.0"
