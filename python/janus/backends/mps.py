"""torch.backends.mps: Apple's Metal backend, never present under Janus."""


def is_available():
    return False


def is_built():
    return False
