import sys

import pytest

import janus


def pytest_collection_modifyitems(config, items):
    """Files that need a device skip with a message when there is none (run directly with pytest)."""
    if janus.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="no CUDA device available to Janus")
    for item in items:
        if "needs_device" in item.keywords:
            item.add_marker(skip)


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_device: the test runs CUDA kernels")
