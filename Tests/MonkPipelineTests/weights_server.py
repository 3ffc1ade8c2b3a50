#!/usr/bin/env python3
"""A local HTTP server for the download tests (started by DownloadTests, 127.0.0.1 only).

    python3 weights_server.py ROOT     prints the port it listens on, then serves:
    /files/NAME      ROOT/NAME, whole
    /truncate/NAME   announces ROOT/NAME's full length, sends half of it and closes
    /stall/NAME      announces the full length, sends 100 bytes, then nothing for 60 s
    anything else    404
"""
import http.server
import os
import signal
import sys
import time

# The test process that starts this server may ignore and block SIGTERM and SIGINT (monkpipe's
# Ctrl-C handling does, in-process, when a test runs the trainer), and both the ignoring and the
# blocking are inherited: without this the tests' terminate() would never end the server.
signal.signal(signal.SIGTERM, signal.SIG_DFL)
signal.signal(signal.SIGINT, signal.SIG_DFL)
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

ROOT = sys.argv[1]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        parts = self.path.strip("/").split("/", 1)
        path = os.path.join(ROOT, os.path.basename(parts[1])) if len(parts) == 2 else ""
        if parts[0] not in ("files", "truncate", "stall") or not os.path.isfile(path):
            self.send_error(404)
            return
        data = open(path, "rb").read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if parts[0] == "files":
            self.wfile.write(data)
        elif parts[0] == "truncate":
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
        else:
            self.wfile.write(data[:100])
            self.wfile.flush()
            time.sleep(60)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
