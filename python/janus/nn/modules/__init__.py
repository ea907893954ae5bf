"""The module classes, one file per family as in torch.nn.modules (pickled checkpoints name
them by these paths: torch.nn.modules.linear.Linear maps to janus.nn.modules.linear.Linear)."""
from .module import Module
from .linear import Identity, Linear
from .sparse import Embedding
from .activation import GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Tanh
from .dropout import Dropout, Dropout2d
from .conv import Conv1d, Conv2d
from .pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d
from .flatten import Flatten
from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .normalization import LayerNorm
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss,
                   SmoothL1Loss)
from .rnn import GRU, GRUCell, LSTM, LSTMCell, RNN, RNNBase, RNNCell, RNNCellBase
