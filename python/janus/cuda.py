"""torch.cuda as seen by Janus's CPU tensor runtime: no CUDA device is available to it."""


def is_available():
    return False


def device_count():
    return 0


def manual_seed(seed):
    pass


def manual_seed_all(seed):
    pass
