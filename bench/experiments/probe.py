#!/usr/bin/env python3
# probe.py N: POST one view for a new user, poll history every 5 ms until it shows; p50/p90/p99/max of 202 -> visible
import os, sys, time, json, random, http.client
n = int(sys.argv[1]); port = int(os.environ.get("SRPORT", "28080")); key = os.environ["SRKEY"]
items = json.load(open(os.environ.get("ITEMS", os.path.join(os.environ.get("EXP", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".streamrec", "experiments")), "items.json"))))
hdr = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}
c = http.client.HTTPConnection("localhost", port, timeout=10); q = http.client.HTTPConnection("localhost", port, timeout=10)
lat = []; slow = []; late = 0; tag = "%d-%d" % (os.getpid(), int(time.time()))
for i in range(n):
    u = "probe-%s-%d" % (tag, i); it = random.choice(items)
    body = '{"eventId":"pe-%s-%d","userId":"%s","itemId":"%s","eventType":"view","timestamp":%d}' % (tag, i, u, it, int(time.time()*1000))
    c.request("POST", "/events", body, hdr); r = c.getresponse(); r.read()
    t0 = time.time()
    while True:
        q.request("GET", "/users/%s/history?limit=1" % u, headers=hdr); r = q.getresponse(); b = r.read()
        if r.status == 200 and it.encode() in b: lat.append((time.time() - t0) * 1000); slow.append((t0, lat[-1])) if lat[-1] > 50 else None; break
        if time.time() - t0 > 5: late += 1; slow.append((t0, 99999)); break
        time.sleep(0.005)
    time.sleep(0.05)
lat.sort()
p = lambda f: lat[min(len(lat)-1, int(f * len(lat)))] if lat else float('nan')
print("probes %d visible %d late(>5s) %d  p50 %.1f p90 %.1f p99 %.1f max %.1f ms" % (n, len(lat), late, p(.5), p(.9), p(.99), lat[-1] if lat else float('nan')))

print("slow:", " ".join("%.2f:%.0f" % (t % 100, l) for t, l in slow))
