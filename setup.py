"""Only the package list, which pyproject.toml cannot express: every dq_project package found on disk
plus sql/ and reports/, which stay at the repository's top level and ship inside the wheel as
dq_project.sqlfiles and dq_project.reportfiles ([tool.setuptools.package-dir] in pyproject.toml)."""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["dq_project*"]), "dq_project.sqlfiles", "dq_project.reportfiles"])
