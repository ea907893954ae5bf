"""nn.Parameter: a Tensor subclass that Module.__setattr__ registers as a parameter."""
import janus


class Parameter(janus.Tensor):
    """A tensor that is a module parameter; requires_grad defaults to True."""

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = janus.empty(0)
        return janus.Tensor._make_subclass(cls, data, requires_grad)

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.data.clone(), self.requires_grad)
        memo[id(self)] = result
        return result

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, protocol):
        # Plain pickling (multiprocessing, pickle.dumps of a model) keeps the Parameter type;
        # janus.save writes torch's own form instead (see serialization.py).
        return (_rebuild_parameter, (self.data, self.requires_grad))


def _rebuild_parameter(data, requires_grad):
    return Parameter(data, requires_grad)


janus._describe_in_profiles(Parameter)
