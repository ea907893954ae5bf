"""torch.Generator objects: each generator is its own MT19937 stream, and every `generator=`
argument draws exactly the numbers Debian's torch 1.13 (the oracle) draws from a generator with
the same seed; get_state() is torch's CPUGeneratorImplState byte layout, so states move between
the two runtimes; DataLoader/random_split/RandomSampler consume generators as torch does."""
import hashlib

import numpy as np
import pytest

import janus
import torch

SEEDS = [0, 42, 2**40 + 5]

# Each draw takes (lib, generator); all are compared exactly (tolist ==).
DRAWS = {
    "rand": lambda lib, g: lib.rand(7, generator=g),
    "rand float64": lambda lib, g: lib.rand(3, 2, dtype=lib.float64, generator=g),
    "randn 40": lambda lib, g: lib.randn(40, generator=g),
    "randn 5 float64": lambda lib, g: lib.randn(5, dtype=lib.float64, generator=g),
    "randint": lambda lib, g: lib.randint(3, 100, (9,), generator=g),
    "randint high only": lambda lib, g: lib.randint(10, (4,), generator=g),
    "randperm": lambda lib, g: lib.randperm(25, generator=g),
    "normal_": lambda lib, g: lib.empty(20).normal_(1.0, 2.0, generator=g),
    "normal_ float64 odd": lambda lib, g: lib.empty(3, dtype=lib.float64).normal_(generator=g),
    "uniform_": lambda lib, g: lib.empty(6).uniform_(-2.0, 3.0, generator=g),
    "bernoulli_ p": lambda lib, g: lib.empty(12).bernoulli_(0.3, generator=g),
    "bernoulli tensor": lambda lib, g: lib.bernoulli(lib.full((10,), 0.5), generator=g),
    "Tensor.bernoulli": lambda lib, g: lib.full((10,), 0.25).bernoulli(generator=g),
    "normal(float, float, size)": lambda lib, g: lib.normal(0.5, 2.0, (17,), generator=g),
    "normal(Tensor, float)": lambda lib, g: lib.normal(lib.zeros(5), 1.0, generator=g),
    "random_ int64": lambda lib, g: lib.empty(4, dtype=lib.int64).random_(generator=g),
    "random_ float32": lambda lib, g: lib.empty(4).random_(generator=g),
    "random_ int32": lambda lib, g: lib.empty(4, dtype=lib.int32).random_(generator=g),
    "random_(to)": lambda lib, g: lib.empty(6).random_(7, generator=g),
    "random_(from, to)": lambda lib, g: lib.empty(6, dtype=lib.int64).random_(-5, 2**40, generator=g),
}


def _both(draw, seed):
    gj = janus.Generator().manual_seed(seed)
    gt = torch.Generator().manual_seed(seed)
    return [draw(janus, gj).tolist(), draw(janus, gj).tolist()], [draw(torch, gt).tolist(), draw(torch, gt).tolist()]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", sorted(DRAWS))
def test_generator_draws_match_torch(name, seed):
    mine, ref = _both(DRAWS[name], seed)
    assert mine == ref


def test_generators_are_independent_of_the_default_one():
    janus.manual_seed(7)
    torch.manual_seed(7)
    gj, gt = janus.Generator().manual_seed(1), torch.Generator().manual_seed(1)
    mine = [janus.rand(3).tolist(), janus.rand(3, generator=gj).tolist(), janus.rand(3).tolist()]
    ref = [torch.rand(3).tolist(), torch.rand(3, generator=gt).tolist(), torch.rand(3).tolist()]
    assert mine == ref


def test_default_generator_and_seeds():
    assert janus.manual_seed(5) is janus.default_generator
    assert janus.default_generator.initial_seed() == 5 == janus.initial_seed()
    assert janus.Generator().initial_seed() == torch.Generator().initial_seed()
    g = janus.Generator()
    s = g.seed()
    assert g.initial_seed() == s
    assert janus.Generator().manual_seed(2**64 - 1).initial_seed() == torch.Generator().manual_seed(2**64 - 1).initial_seed()
    torch.manual_seed(11)
    janus.manual_seed(11)
    assert janus.default_generator.get_state() == torch.default_generator.get_state().numpy().tobytes()


@pytest.mark.parametrize("prefix", ["fresh", "after one double normal", "mid-stream"])
def test_state_bytes_are_torchs(prefix):
    gj, gt = janus.Generator().manual_seed(99), torch.Generator().manual_seed(99)
    for lib, g in ((janus, gj), (torch, gt)):
        if prefix == "after one double normal":  # the cached Box-Muller value is in the state
            lib.empty(1, dtype=lib.float64).normal_(generator=g)
        if prefix == "mid-stream":  # past one twist of the engine
            lib.randperm(700, generator=g)
    mine, ref = gj.get_state(), gt.get_state().numpy().tobytes()
    assert len(mine) == 5056
    assert hashlib.sha256(mine).hexdigest() == hashlib.sha256(ref).hexdigest()


def test_state_round_trip_and_exchange_with_torch():
    gt = torch.Generator().manual_seed(3)
    torch.randn(5, dtype=torch.float64, generator=gt)  # leaves a cached normal
    state = gt.get_state()
    expect = torch.randn(9, dtype=torch.float64, generator=gt).tolist()
    gj = janus.Generator().set_state(state.numpy())  # a torch state into Janus
    assert janus.randn(9, dtype=janus.float64, generator=gj).tolist() == expect
    # and back: Janus's state drives torch to the same numbers
    saved = gj.get_state()
    more = janus.rand(4, generator=gj).tolist()
    gt.set_state(torch.from_numpy(np.frombuffer(saved, dtype=np.uint8).copy()))
    assert torch.rand(4, generator=gt).tolist() == more
    gj.set_state(saved)
    assert janus.rand(4, generator=gj).tolist() == more


def test_legacy_state_layout():
    gt = torch.Generator().manual_seed(8)
    torch.rand(3, generator=gt)
    legacy = gt.get_state().numpy().tobytes()[:5048]
    gt.set_state(torch.from_numpy(np.frombuffer(legacy, dtype=np.uint8).copy()))
    gj = janus.Generator().set_state(legacy)
    assert janus.rand(5, generator=gj).tolist() == torch.rand(5, generator=gt).tolist()


def test_global_rng_state_and_fork_rng():
    janus.manual_seed(4)
    state = janus.get_rng_state()
    a = janus.rand(3).tolist()
    janus.set_rng_state(state)
    assert janus.rand(3).tolist() == a
    janus.manual_seed(4)
    torch.manual_seed(4)
    with janus.random.fork_rng():
        janus.rand(10)
    with torch.random.fork_rng():
        torch.rand(10)
    assert janus.rand(2).tolist() == torch.rand(2).tolist()
    assert janus.random.get_rng_state() == torch.random.get_rng_state().numpy().tobytes()


def _error(fn):
    with pytest.raises(Exception) as info:
        fn()
    return info.type, str(info.value)


def test_bad_states_raise_torchs_errors():
    for bad in (b"\0" * 100, b"\0" * 5056):
        j = _error(lambda: janus.Generator().set_state(bad))
        t = _error(lambda: torch.Generator().set_state(torch.from_numpy(np.frombuffer(bad, dtype=np.uint8).copy())))
        assert j == t
    with pytest.raises(TypeError, match="ByteTensor"):
        janus.Generator().set_state(janus.zeros(5056))
    with pytest.raises(TypeError, match="ByteTensor"):
        janus.Generator().set_state([0] * 5056)
    with pytest.raises(TypeError, match="generator"):
        janus.rand(3, generator=5)
    with pytest.raises(TypeError, match="generator"):
        janus.empty(3).normal_(generator="x")


def test_random_split_with_generator():
    mine = [list(s.indices) for s in janus.utils.data.random_split(range(30), [10, 20],
                                                                     generator=janus.Generator().manual_seed(42))]
    ref = [list(s.indices) for s in torch.utils.data.random_split(range(30), [10, 20],
                                                                   generator=torch.Generator().manual_seed(42))]
    assert mine == ref
    janus.manual_seed(1)
    torch.manual_seed(1)
    mine = [list(s.indices) for s in janus.utils.data.random_split(range(9), [0.5, 0.5])]
    ref = [list(s.indices) for s in torch.utils.data.random_split(range(9), [0.5, 0.5])]
    assert mine == ref


@pytest.mark.parametrize("with_generator", [False, True])
def test_dataloader_shuffle_matches_torch(with_generator):
    def epochs(lib):
        lib.manual_seed(3)
        kw = {"generator": lib.Generator().manual_seed(5)} if with_generator else {}
        loader = lib.utils.data.DataLoader(list(range(11)), batch_size=4, shuffle=True, **kw)
        return [[b.tolist() for b in loader] for _ in range(3)] + [lib.rand(2).tolist()]
    assert epochs(janus) == epochs(torch)


def test_random_sampler_with_replacement():
    def draw(lib):
        g = lib.Generator().manual_seed(6)
        return list(lib.utils.data.RandomSampler(range(10), replacement=True, num_samples=70, generator=g))
    assert draw(janus) == draw(torch)


def test_multinomial_draws_from_the_given_generator_only():
    # multinomial's algorithm is not torch's (tensor/README.md), so this checks the plumbing: a
    # seeded generator repeats its samples and leaves the default generator's stream alone.
    probs = janus.tensor([0.1, 0.2, 0.3, 0.4])
    janus.manual_seed(0)
    a = janus.multinomial(probs, 5, True, generator=janus.Generator().manual_seed(1)).tolist()
    b = probs.multinomial(5, True, generator=janus.Generator().manual_seed(1)).tolist()
    assert a == b
    torch.manual_seed(0)
    assert janus.rand(3).tolist() == torch.rand(3).tolist()  # the default stream was not drawn from
