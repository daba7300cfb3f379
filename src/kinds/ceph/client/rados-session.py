# scs-chaos Ceph session: one librados connection that answers monitor and manager commands, one JSON line each.
# Started by src/kinds/ceph/client/rados-session.ts on the node that administers the cluster, with Debian's
# /usr/bin/python3 and its python3-rados (what the ceph CLI itself runs on). Why: a `ceph` CLI start costs
# ~0.4 s of CPU; a command over this connection costs milliseconds, so the cluster can be read several times a
# second without loading the machine under test.
#
# argv: conf keyring name cluster max_seconds (empty strings: Ceph's defaults)
# stdin: one request per line: {"id": N, "to": "mon" | "mgr", "cmd": {"prefix": ..., "format": "json", ...}}
# stdout: {"id": 0, "ready": true} once connected (or {"id": 0, "error": ...} and exit 1), then one answer per
#   request: {"id": N, "ret": int, "out": str, "outs": str, "sentAt": s, "answeredAt": s} (wall clock seconds).
# Monitor and manager requests have a worker each, so a manager that is down (its commands wait) never holds up
# a monitor answer. The session ends when stdin closes or after max_seconds, whichever comes first.
import json
import os
import queue
import sys
import threading
import time

conf, keyring, name, cluster, max_seconds = (sys.argv[1:6] + [''] * 5)[:5]
try:
    import rados
except ImportError as error:
    print(json.dumps({"id": 0, "error": "python3-rados is not installed: %s" % error}), flush=True)
    sys.exit(1)

options = {"keyring": keyring} if keyring else {}
try:
    client = rados.Rados(name=name or 'client.admin', clustername=cluster or 'ceph', conf=options)
    client.conf_read_file(conf or None)  # None: Ceph's default search path (/etc/ceph/$cluster.conf, ...)
    client.conf_set('rados_mon_op_timeout', '10')
    client.connect(timeout=10)
except Exception as error:  # noqa: BLE001 - every failure is reported the same way
    print(json.dumps({"id": 0, "error": "cannot connect: %s" % error}), flush=True)
    sys.exit(1)

out_lock = threading.Lock()


def answer(message):
    with out_lock:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()


def text(value):
    return value.decode('utf-8', 'replace') if isinstance(value, bytes) else (value or '')


def worker(requests, call):
    while True:
        request = requests.get()
        sent = time.time()
        try:
            ret, out, outs = call(json.dumps(request["cmd"]), b'')
            answer({"id": request["id"], "ret": ret, "out": text(out), "outs": text(outs), "sentAt": sent, "answeredAt": time.time()})
        except Exception as error:  # noqa: BLE001
            answer({"id": request["id"], "ret": -1, "out": "", "outs": str(error), "sentAt": sent, "answeredAt": time.time()})


queues = {"mon": queue.Queue(), "mgr": queue.Queue()}
threading.Thread(target=worker, args=(queues["mon"], client.mon_command), daemon=True).start()
threading.Thread(target=worker, args=(queues["mgr"], client.mgr_command), daemon=True).start()
limit = float(max_seconds) if max_seconds else 6 * 3600.0
threading.Timer(limit, lambda: os._exit(0)).start()
answer({"id": 0, "ready": True, "fsid": client.get_fsid()})

for line in sys.stdin:
    try:
        request = json.loads(line)
        queues["mgr" if request.get("to") == "mgr" else "mon"].put(request)
    except (ValueError, KeyError) as error:
        answer({"id": -1, "ret": -1, "out": "", "outs": "bad request: %s" % error})
os._exit(0)
