#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Run CTest tests under valgrind memcheck (make test-valgrind).

    scripts/valgrind-tests.py BUILD_DIR [--jobs N] [--label unit] [--timeout S]

Every test with the label (from `ctest --show-only=json-v1`) runs under
`valgrind --error-exitcode=99 --leak-check=full
--errors-for-leak-kinds=definite,indirect`, N at a time. A test fails if
valgrind reports an error or a definite/indirect leak (exit 99), if the test
itself fails, or if it runs past the timeout. Not `ctest -T memcheck`: the
tests' own TIMEOUT (300 s) is meant for native runs, and memcheck is 20-50
times slower on the RSA and DH work of the session tests. Prints one line
per test with its time, the valgrind summary of failures, and a total.
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import time

VALGRIND = ["valgrind", "--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect",
            "--show-leak-kinds=definite,indirect", "--num-callers=30"]


def tests_of(build, label):
    out = subprocess.run(["ctest", "--test-dir", build, "-N", "-L", label, "--show-only=json-v1"], check=True,
                         capture_output=True, text=True).stdout
    tests = []
    for t in json.loads(out)["tests"]:
        props = {p["name"]: p["value"] for p in t.get("properties", [])}
        env = dict(os.environ)
        for kv in props.get("ENVIRONMENT", []):
            k, _, v = kv.partition("=")
            env[k] = v
        tests.append((t["name"], t["command"], props.get("WORKING_DIRECTORY", build), env))
    return tests


def run(test, logdir, timeout):
    name, cmd, cwd, env = test
    log = os.path.join(logdir, name.replace("/", "_") + ".log")
    t0 = time.monotonic()
    try:
        p = subprocess.run(VALGRIND + ["--log-file=" + log] + cmd, cwd=cwd, env=env, capture_output=True, text=True,
                           timeout=timeout)
        rc, out = p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired as e:
        rc, out = "timeout", (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else ""
    return name, rc, time.monotonic() - t0, log, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--label", default="unit")
    ap.add_argument("--timeout", type=int, default=3600)
    a = ap.parse_args()
    logdir = os.path.abspath(os.path.join(a.build, "valgrind-logs"))
    os.makedirs(logdir, exist_ok=True)
    # The slow ones (RSA and DH work) first, so the parallel runs end together.
    heavy = ("session/", "negotiate/", "hardening/", "crypto/rsa", "srtp/from_session")
    tests = sorted(tests_of(a.build, a.label), key=lambda t: not any(h in t[0] for h in heavy))
    if not tests:
        print("valgrind: no tests labelled %s in %s" % (a.label, a.build))
        return 1
    t0 = time.monotonic()
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        futs = [ex.submit(run, t, logdir, a.timeout) for t in tests]
        for f in concurrent.futures.as_completed(futs):
            name, rc, secs, log, out = f.result()
            if rc == 0:
                print("valgrind %-40s ok      %7.1f s" % (name, secs), flush=True)
                continue
            failed += 1
            why = {99: "ERRORS/LEAKS", "timeout": "TIMEOUT"}.get(rc, "FAILED (exit %s)" % rc)
            print("valgrind %-40s %s %7.1f s (log: %s)" % (name, why, secs, log), flush=True)
            if rc != 99:
                print(out[-3000:])
            try:
                with open(log) as fh:
                    lines = fh.readlines()
                print("".join(lines[-60:]))
            except OSError:
                pass
    print("valgrind: %d tests, %d failed, %.0f s" % (len(tests), failed, time.monotonic() - t0))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
