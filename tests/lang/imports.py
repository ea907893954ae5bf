# Imports: IMPORT_NAME (absolute, dotted, as), IMPORT_FROM, IMPORT_STAR with __all__,
# import errors, overridden __import__.
import os.path
import collections.abc as cabc
from json import dumps, loads as parse
import builtins
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "helpers"))
from lang_helper_module import *  # noqa: F403

print(os.path.basename("/a/b.txt"), cabc.Mapping.__name__, dumps([1]), parse("[2]"))
# expect: b.txt Mapping [1] [2]
print(exported, Thing.__name__, "not_listed" in dir())
# expect: exported value Thing False
try:
    from json import no_such_name
except ImportError as e:
    print(type(e).__name__, str(e).split(" (")[0])
# expect: ImportError cannot import name 'no_such_name' from 'json'
try:
    import no_such_module_janus
except ModuleNotFoundError as e:
    print(e)
# expect: No module named 'no_such_module_janus'

seen = []
real_import = builtins.__import__


def spy(name, globals=None, locals=None, fromlist=(), level=0):
    seen.append((name, fromlist))
    return real_import(name, globals, locals, fromlist, level)


builtins.__import__ = spy
try:
    import math
    from os import sep
finally:
    builtins.__import__ = real_import
print(seen, math.floor(2.5), sep)
# expect: [('math', None), ('os', ('sep',))] 2 /


def star_in_function():
    ns = {}
    exec("from lang_helper_module import *", ns)
    return sorted(k for k in ns if not k.startswith("__"))


print(star_in_function())
# expect: ['Thing', 'exported']
