#!/usr/bin/env python3
# bg.py RATE BATCH SECONDS: POST views at RATE events/s (batches of BATCH) to SRPORT for SECONDS, open loop, 4 threads
import os, sys, time, json, random, threading, http.client
rate, batch, secs = float(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
port = int(os.environ.get("SRPORT", "28080")); key = os.environ["SRKEY"]
items = json.load(open(os.environ.get("ITEMS", os.path.join(os.environ.get("EXP", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".streamrec", "experiments")), "items.json"))))
hdr = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}
per = batch / rate; threads = 4; stop = time.time() + secs; sent = [0]; errs = [0]
def run(t):
    c = http.client.HTTPConnection("localhost", port, timeout=10); n = t; rnd = random.Random(t)
    nxt = time.time() + t * per
    while True:
        now = time.time()
        if now >= stop: return
        if nxt > now: time.sleep(nxt - now)
        ts = int(time.time() * 1000)
        body = "[" + ",".join('{"eventId":"bg-%d-%d-%d","userId":"bgu-%d","itemId":"%s","eventType":"view","timestamp":%d}' % (os.getpid(), n, j, rnd.randrange(2000), rnd.choice(items), ts) for j in range(batch)) + "]"
        try:
            c.request("POST", "/events", body, hdr); r = c.getresponse(); r.read()
            if r.status != 202: errs[0] += 1
            else: sent[0] += batch
        except Exception:
            errs[0] += 1; c = http.client.HTTPConnection("localhost", port, timeout=10)
        n += threads; nxt += per * threads
ts = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
[t.start() for t in ts]; [t.join() for t in ts]
print("bg sent %d events, %d errors, %.0f/s" % (sent[0], errs[0], sent[0] / secs))
