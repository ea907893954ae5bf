# Attribute misses served by a Python __getattr__ (nn.Module's parameters), run inline by
# both tiers: hits through __getattr__, a real attribute that later shadows the name
# (instance and class), __getattr__ raising AttributeError (its .name/.obj context and
# message, caught in the loop), a __getattr__ returning per-name values, a subclass, the
# instance's __dict__ (read by __getattr__) replaced mid-loop, and __getattr__ replaced on
# the class mid-loop.
class Store:
    def __init__(self):
        self._params = {'weight': 3, 'bias': 1}

    def __getattr__(self, name):
        params = self.__dict__['_params']
        if name in params:
            return params[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


class Sub(Store):
    pass


def run():
    s = Store()
    sub = Sub()
    total = 0
    errors = []
    for i in range(200):
        total += s.weight * i + s.bias
        total += sub.weight
        try:
            total += s.missing
        except AttributeError as e:
            if i % 50 == 0:
                errors.append((str(e), e.name, e.obj is s))
        if i == 60:
            s.bias = 100          # the instance now has it: no __getattr__
        if i == 90:
            Store.weight = 7      # a class attribute shadows it for both objects
        if i == 120:
            del Store.weight
        if i == 130:
            sub.__dict__ = {'_params': {'weight': -2, 'bias': 0}}
        if i == 150:
            Store.__getattr__ = lambda self, name: len(name)
    print(total, errors, s.bias, sub.weight, s.anything)


run()
