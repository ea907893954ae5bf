"""janus.optim: optimizers with PyTorch 1.13's exact update rules, and lr schedulers."""
from .optimizer import Optimizer
from .sgd import SGD
from .adam import Adam, AdamW
from .lbfgs import LBFGS
from .rmsprop import RMSprop
from .adagrad import Adagrad
from .adadelta import Adadelta
from . import lr_scheduler

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "LBFGS", "RMSprop", "Adagrad", "Adadelta", "lr_scheduler"]
