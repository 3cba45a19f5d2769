"""ErrorKB's WSGI application with its diagnosis engine instrumented: for bench/under_load.py only.

ERRORKB_BENCH_ENGINE says how the Diagnose view's engine call (memo.answer) behaves:
- `canned`: it answers the diagnosis of bench/diagnose.lua's body, made once at start-up
  (right for that body's shape, with the first body's ids); everything else in the request is real.
- `timed`: each call runs the engine three times in a row and adds up the thread CPU
  time of each run; every 1,000 calls the means go to $ERRORKB_BENCH_TIMES, one line per
  worker. The first run is what a request pays; the next two run on warm caches.
"""

import json
import os
import time

from errorkb.wsgi import application  # noqa: F401  (what gunicorn serves; sets Django up first)

# isort: split
from bench.inprocess import typical_body
from errorkb.catalogue.snapshot import engine_catalogue
from errorkb.diagnosis import memo  # the Diagnose view calls memo.answer through the module

engine = memo.answer
mode = os.environ.get("ERRORKB_BENCH_ENGINE", "")

if mode == "canned":
    canned = engine(json.loads(typical_body())["body"], engine_catalogue())
    memo.answer = lambda *args, **kwargs: canned

elif mode == "timed":
    totals = [0.0, 0.0, 0.0]
    calls = 0

    def timed(*args, **kwargs):
        global calls
        for run in range(3):
            started = time.thread_time()
            answer = engine(*args, **kwargs)
            totals[run] += time.thread_time() - started
        calls += 1
        if calls % 1000 == 0:
            with open(os.environ["ERRORKB_BENCH_TIMES"], "a") as out:
                means = " ".join(f"{total / calls * 1e6:.1f}" for total in totals)
                out.write(f"{os.getpid()} {calls} {means}\n")
        return answer

    memo.answer = timed
