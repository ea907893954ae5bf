"""Recurrent layers: RNN/LSTM/GRU cells and their multi-layer, optionally bidirectional
sequence versions. Parameter names (weight_ih_l0, bias_hh_l1_reverse, ...), gate order
(LSTM: i, f, g, o; GRU: r, z, n) and initialisation follow PyTorch 1.13, so state_dicts are
interchangeable. Each step is composed from public tensor ops (linear, sigmoid, tanh), so
autograd needs no special kernels."""
import math
import warnings

import janus
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

# Rows of weight_ih per hidden unit: one per gate.
_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


# ------------------------------------------------------------------ one time step
def _rnn_tanh_step(x, h, w_ih, w_hh, b_ih, b_hh):
    return janus.tanh(F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh))


def _rnn_relu_step(x, h, w_ih, w_hh, b_ih, b_hh):
    return F.relu(F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh))


def _lstm_step(x, state, w_ih, w_hh, b_ih, b_hh):
    h, c = state
    gates = F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh)
    i, f, g, o = gates.chunk(4, -1)
    c_next = janus.sigmoid(f) * c + janus.sigmoid(i) * janus.tanh(g)
    h_next = janus.sigmoid(o) * janus.tanh(c_next)
    return h_next, c_next


def _gru_step(x, h, w_ih, w_hh, b_ih, b_hh):
    gi = F.linear(x, w_ih, b_ih)
    gh = F.linear(h, w_hh, b_hh)
    i_r, i_z, i_n = gi.chunk(3, -1)
    h_r, h_z, h_n = gh.chunk(3, -1)
    r = janus.sigmoid(i_r + h_r)
    z = janus.sigmoid(i_z + h_z)
    n = janus.tanh(i_n + r * h_n)
    return n + z * (h - n)  # == (1 - z) * n + z * h


_STEPS = {"RNN_TANH": _rnn_tanh_step, "RNN_RELU": _rnn_relu_step, "LSTM": _lstm_step,
          "GRU": _gru_step}


def _check_input_dim(name, input, batched_dim):
    if input.dim() not in (batched_dim - 1, batched_dim):
        raise ValueError(f"{name}: Expected input to be {batched_dim - 1}-D or "
                         f"{batched_dim}-D but received {input.dim()}-D tensor")


# ------------------------------------------------------------------ cells
class RNNCellBase(Module):
    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        kw = {"device": device, "dtype": dtype}
        self.weight_ih = Parameter(janus.empty((num_chunks * hidden_size, input_size), **kw))
        self.weight_hh = Parameter(janus.empty((num_chunks * hidden_size, hidden_size), **kw))
        if bias:
            self.bias_ih = Parameter(janus.empty(num_chunks * hidden_size, **kw))
            self.bias_hh = Parameter(janus.empty(num_chunks * hidden_size, **kw))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _prepare(self, input, hx, n_states):
        """Adds the batch dim to unbatched input and makes zero initial states."""
        _check_input_dim(type(self).__name__, input, 2)
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        if hx is None:
            zeros = janus.zeros(input.size(0), self.hidden_size, dtype=input.dtype,
                                device=input.device)
            hx = zeros if n_states == 1 else (zeros, zeros)
        elif not batched:
            hx = hx.unsqueeze(0) if n_states == 1 else tuple(h.unsqueeze(0) for h in hx)
        return input, hx, batched

    def _check(self, input, hx, n_states):
        """torch's cell checks and messages (both LSTM states are labelled hidden0)."""
        if input.size(1) != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} "
                               f"expected {self.input_size}")
        for h in ([hx] if n_states == 1 else hx):
            if input.size(0) != h.size(0):
                raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden0 "
                                   f"batch size {h.size(0)}")
            if h.size(1) != self.hidden_size:
                raise RuntimeError(f"hidden0 has inconsistent hidden_size: got {h.size(1)}, "
                                   f"expected {self.hidden_size}")

    def _step(self, mode, input, hx, n_states):
        input, hx, batched = self._prepare(input, hx, n_states)
        self._check(input, hx, n_states)
        out = _STEPS[mode](input, hx, self.weight_ih, self.weight_hh, self.bias_ih,
                           self.bias_hh)
        if not batched:
            out = out.squeeze(0) if n_states == 1 else tuple(o.squeeze(0) for o in out)
        return out


class RNNCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return self._step(mode, input, hx, 1)


class LSTMCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        return self._step("LSTM", input, hx, 2)


class GRUCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        return self._step("GRU", input, hx, 1)


# ------------------------------------------------------------------ sequence layers
class RNNBase(Module):
    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, proj_size=0,
                 device=None, dtype=None):
        super().__init__()
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        if (not isinstance(dropout, (int, float)) or isinstance(dropout, bool)
                or not 0 <= dropout <= 1):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}")
        if proj_size != 0:
            raise NotImplementedError("janus.nn.LSTM: proj_size > 0 is not supported")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_directions = 2 if bidirectional else 1
        gate_size = _GATES[mode] * hidden_size
        kw = {"device": device, "dtype": dtype}
        self._flat_weights_names = []
        self._all_weights = []  # names per (layer, direction), as torch pickles them
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input_size = input_size if layer == 0 else hidden_size * num_directions
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                params = [("weight_ih" + suffix, (gate_size, layer_input_size)),
                          ("weight_hh" + suffix, (gate_size, hidden_size))]
                if bias:
                    params += [("bias_ih" + suffix, (gate_size,)),
                               ("bias_hh" + suffix, (gate_size,))]
                for name, shape in params:
                    setattr(self, name, Parameter(janus.empty(shape, **kw)))
                    self._flat_weights_names.append(name)
                self._all_weights.append([name for name, _ in params])
        self.reset_parameters()

    def __getstate__(self):
        # torch's RNN modules keep the weights also as a list, _flat_weights; a pickled Janus
        # RNN carries it so that torch.load can rebuild a working torch module.
        state = super().__getstate__()
        state["_flat_weights"] = [getattr(self, n) for n in self._flat_weights_names]
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        self.__dict__.pop("_flat_weights", None)  # Janus reads weights by name

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def flatten_parameters(self):
        """cuDNN packs weights into one buffer; Janus keeps them separate, so a no-op."""

    @property
    def all_weights(self):
        return [[getattr(self, name) for name in self._layer_param_names(layer, d)]
                for layer in range(self.num_layers)
                for d in range(2 if self.bidirectional else 1)]

    def _layer_param_names(self, layer, direction):
        suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
        names = ["weight_ih" + suffix, "weight_hh" + suffix]
        if self.bias:
            names += ["bias_ih" + suffix, "bias_hh" + suffix]
        return names

    def _layer_params(self, layer, direction):
        params = [getattr(self, n) for n in self._layer_param_names(layer, direction)]
        if not self.bias:
            params += [None, None]
        return params

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    def _check_hidden(self, hx, expected, what):
        if tuple(hx.shape) != expected:
            raise RuntimeError(f"Expected {what} size {expected}, got {list(hx.shape)}")

    def _run(self, input, hx, n_states):
        """Runs every layer and direction over time; returns output, final states."""
        name = type(self).__name__
        _check_input_dim(name, input, 3)
        batched = input.dim() == 3
        if not batched:
            input = input.unsqueeze(1)
            if hx is not None:
                hx = hx.unsqueeze(1) if n_states == 1 else tuple(h.unsqueeze(1) for h in hx)
        elif self.batch_first:
            input = input.transpose(0, 1)
        if input.size(-1) != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.size(-1)}")
        num_directions = 2 if self.bidirectional else 1
        batch = input.size(1)
        expected = (self.num_layers * num_directions, batch, self.hidden_size)
        if hx is None:
            zeros = janus.zeros(expected, dtype=input.dtype, device=input.device)
            states = [zeros] * n_states
        else:
            states = [hx] if n_states == 1 else list(hx)
            whats = ["hidden"] if n_states == 1 else ["hidden[0]", "hidden[1]"]
            for s, what in zip(states, whats):
                self._check_hidden(s, expected, what)
        step = _STEPS[self.mode]
        final = [[] for _ in range(n_states)]
        layer_input = input
        seq_len = input.size(0)
        for layer in range(self.num_layers):
            direction_outputs = []
            for direction in range(num_directions):
                index = layer * num_directions + direction
                state = tuple(s[index] for s in states)
                state = state[0] if n_states == 1 else state
                params = self._layer_params(layer, direction)
                outputs = [None] * seq_len
                times = range(seq_len - 1, -1, -1) if direction == 1 else range(seq_len)
                for t in times:
                    state = step(layer_input[t], state, *params)
                    outputs[t] = state if n_states == 1 else state[0]
                direction_outputs.append(janus.stack(outputs, 0))
                for k in range(n_states):
                    final[k].append(state if n_states == 1 else state[k])
            layer_input = (direction_outputs[0] if num_directions == 1
                           else janus.cat(direction_outputs, 2))
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        output = layer_input
        finals = [janus.stack(f, 0) for f in final]
        if not batched:
            output = output.squeeze(1)
            finals = [f.squeeze(1) for f in finals]
        elif self.batch_first:
            output = output.transpose(0, 1)
        return output, (finals[0] if n_states == 1 else tuple(finals))

    def forward(self, input, hx=None):
        return self._run(input, hx, 1)


class RNN(RNNBase):
    def __init__(self, *args, **kwargs):
        nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if len(args) > 3:
            nonlinearity = args[3]
            args = args[:3] + args[4:]
        if nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'")
        super().__init__(mode, *args, **kwargs)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def forward(self, input, hx=None):
        return self._run(input, hx, 2)


class GRU(RNNBase):
    def __init__(self, *args, **kwargs):
        super().__init__("GRU", *args, **kwargs)
