# A thin shim for tooling that still calls setup.py; the build is defined in pyproject.toml (flit).
from setuptools import setup

setup()
