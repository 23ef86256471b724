"""The build of skprune's one compiled module, the CSR product of sparse
inference (everything else is in pyproject.toml). It is optional: without a
C compiler skprune installs all the same and multiplies with SciPy's kernel."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("skprune._core._csr_kernel", ["skprune/_core/_csr_kernel.c"], optional=True)])
