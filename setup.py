from setuptools import setup

setup(cffi_modules=["_native/build.py:ffibuilder"])
