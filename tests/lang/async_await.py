# Coroutines and async generators: await, async for, async with, async comprehensions,
# driven by a tiny hand-written event loop (no asyncio needed) and by asyncio.
import asyncio


class Sleep:
    def __await__(self):
        value = yield "slept"
        return value


async def add(a, b):
    got = await Sleep()
    return a + b + got


def drive(coro):
    sent = None
    try:
        while True:
            print("loop got", coro.send(sent))
            sent = 100
    except StopIteration as e:
        return e.value


print(drive(add(1, 2)))
# expect: loop got slept
# expect: 103


async def ticker(n):
    for i in range(n):
        await asyncio.sleep(0)
        yield i


class Resource:
    async def __aenter__(self):
        print("aenter")
        return self

    async def __aexit__(self, *exc):
        print("aexit", exc[0])
        return False


async def main():
    async with Resource() as r:
        total = [i async for i in ticker(4)]
    async for v in ticker(2):
        print("tick", v)
    results = await asyncio.gather(add_async(1), add_async(2))
    return total, results, type(r).__name__


async def add_async(v):
    await asyncio.sleep(0)
    return v * 10


print(asyncio.run(main()))
# expect: aenter
# expect: aexit None
# expect: tick 0
# expect: tick 1
# expect: ([0, 1, 2, 3], [10, 20], 'Resource')


async def bad_await():
    await 5


try:
    asyncio.run(bad_await())
except TypeError as e:
    print(e)
# expect: object int can't be used in 'await' expression


async def bad_for():
    async for x in [1]:
        pass


try:
    asyncio.run(bad_for())
except TypeError as e:
    print(e)
# expect: 'async for' requires an object with __aiter__ method, got list


async def agen():
    try:
        yield 1
        yield 2
    finally:
        print("agen closed")


async def partial():
    g = agen()
    print(await g.__anext__())
    await g.aclose()


asyncio.run(partial())
# expect: 1
# expect: agen closed
