#!/usr/bin/env python3
"""Time from saving a fiche to the reload of an open page, with `clsm serve`.

Starts the release binary on a copy of the Metz repository, then 20 times: opens the
home page and the stream it listens to (`/_clsm/evenements`), saves a fiche, and
measures how long until the stream says to reload: the watch, its quiet period, the
whole rebuild (a process of its own) and the message. Prints the median and the slowest. The target: under
100 ms on the Metz repository.

Usage: bench/serve.py [DOSSIER]   (default: the Metz repository at the root)
"""

import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    source = sys.argv[1] if len(sys.argv) > 1 else ROOT
    work = tempfile.mkdtemp()
    try:
        repo = os.path.join(work, "depot")
        os.makedirs(repo)
        shutil.copy(os.path.join(source, "clsm.toml"), repo)
        shutil.copytree(os.path.join(source, "fiches"), os.path.join(repo, "fiches"))
        fiche = os.path.join(repo, "fiches", "actions", sorted(os.listdir(os.path.join(repo, "fiches", "actions")))[0])
        server = subprocess.Popen(
            [os.path.join(ROOT, "target", "release", "clsm"), "serve", "--port", "0", "--repo", repo],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            url = next(w for w in server.stdout.readline().split() if w.startswith("http://"))
            host, port = url[len("http://"):].rstrip("/").rsplit(":", 1)
            text = open(fiche, encoding="utf-8").read()
            times = []
            for i in range(20):
                # As a page does: its build, then the stream that says to reload it.
                page = http.client.HTTPConnection(host, int(port))
                page.request("GET", "/")
                built = re.search(r'data-generation="([^"]+)"', page.getresponse().read().decode()).group(1)
                connection = http.client.HTTPConnection(host, int(port))
                connection.request("GET", f"/_clsm/evenements?depuis={built}")
                stream = connection.getresponse()
                with open(fiche, "w", encoding="utf-8") as f:
                    f.write(text + f"\nModification {i}.\n")
                saved = time.perf_counter()
                while True:
                    line = stream.fp.readline().decode()
                    if line.startswith("event: recharge"):
                        break
                    if not line:
                        sys.exit("le flux s'est fermé sans demander de recharger la page")
                times.append((time.perf_counter() - saved) * 1000)
                connection.close()
                time.sleep(0.3)
            print(f"{os.path.basename(fiche)} enregistrée 20 fois : rechargement demandé en "
                  f"{statistics.median(times):.0f} ms (médiane), {max(times):.0f} ms au plus")
        finally:
            server.terminate()
            server.wait()
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
