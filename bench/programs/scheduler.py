"""Method calls: a round-robin scheduler of tasks (objects of several classes with
overridden methods) exchanging messages through queues."""
from collections import deque

from _step import main


class Task:
    def __init__(self, ident, scheduler):
        self.ident = ident
        self.scheduler = scheduler
        self.inbox = deque()
        self.work_done = 0

    def deliver(self, msg):
        self.inbox.append(msg)

    def runnable(self):
        return bool(self.inbox)

    def run(self):
        msg = self.inbox.popleft()
        self.work_done += 1
        self.handle(msg)

    def handle(self, msg):
        raise NotImplementedError


class Producer(Task):
    def handle(self, msg):
        if msg > 0:
            self.scheduler.send(self.ident + 1, msg - 1)
            self.scheduler.send(self.ident, msg - 1)


class Relay(Task):
    def handle(self, msg):
        self.scheduler.send(self.ident + 1, msg)


class Sink(Task):
    def __init__(self, ident, scheduler):
        super().__init__(ident, scheduler)
        self.total = 0

    def handle(self, msg):
        self.total += msg


class Scheduler:
    def __init__(self, relays):
        self.tasks = [Producer(0, self)]
        self.tasks += [Relay(i + 1, self) for i in range(relays)]
        self.tasks.append(Sink(relays + 1, self))
        self.sent = 0

    def send(self, ident, msg):
        self.sent += 1
        self.tasks[ident].deliver(msg)

    def run(self):
        busy = True
        while busy:
            busy = False
            for task in self.tasks:
                if task.runnable():
                    task.run()
                    busy = True
        return self.sent, self.tasks[-1].total, [t.work_done for t in self.tasks]


def step(n):
    s = Scheduler(relays=6)
    s.send(0, n)
    sent, total, work = s.run()
    return sent, total, sum(work)


if __name__ == "__main__":
    main(__doc__, step, default_size=16000, quick_size=3500)
