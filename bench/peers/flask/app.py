"""Peer for bench/run.sh: the seed's design of the dossier endpoint.

Flask on its built-in server (threaded=True, one thread per connection), calling land, tax and
house one after the other with plain ``requests.get`` (no Session, so a new TCP connection per
call), each with a timeout, and merging the JSON objects into
{"property_id", "sources": {"land": {"status", "http_status", "data" | "error"}, ...}}.
No authentication, masking or audit log: see bench/README.md.

Usage: python3 app.py --port 18583 --land URL_PREFIX --tax URL_PREFIX --house URL_PREFIX [--timeout 5]
"""
import argparse
import collections
import re
import threading

import requests
from flask import Flask, jsonify

ID_PATTERN = re.compile(r"[A-Za-z0-9-]{1,64}")

parser = argparse.ArgumentParser()
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=18583)
parser.add_argument("--land", default="http://127.0.0.1:19501/land/")
parser.add_argument("--tax", default="http://127.0.0.1:19502/property-tax/")
parser.add_argument("--house", default="http://127.0.0.1:19503/house/")
parser.add_argument("--timeout", type=float, default=5.0, help="per-source timeout in seconds (the seed's is 5)")
args = parser.parse_args()

SOURCES = [("land", args.land), ("tax", args.tax), ("house", args.house)]
app = Flask(__name__)
# Outcome counters per source, served on GET /_stats so bench/run.sh can explain non-2xx.
OUTCOMES = collections.defaultdict(collections.Counter)
OUTCOMES_LOCK = threading.Lock()


def fetch(url):
    try:
        response = requests.get(url, timeout=args.timeout)
    except requests.Timeout:
        return {"status": "timeout", "error": f"no response within {args.timeout:g} s"}
    except requests.RequestException:
        return {"status": "unavailable", "error": "connection failed"}
    if response.status_code == 404:
        return {"status": "not_found", "http_status": 404}
    if not 200 <= response.status_code <= 299:
        return {"status": "upstream_error", "http_status": response.status_code,
                "error": f"HTTP {response.status_code}"}
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return {"status": "invalid_response", "http_status": response.status_code, "error": "not a JSON object"}
    return {"status": "ok", "http_status": response.status_code, "data": data}


@app.route("/healthz")
def healthz():
    return jsonify(status="ok")


@app.route("/_stats")
def stats():
    with OUTCOMES_LOCK:
        return jsonify({name: dict(counts) for name, counts in OUTCOMES.items()})


@app.route("/v1/properties/<property_id>/dossier")
def dossier(property_id):
    if not ID_PATTERN.fullmatch(property_id):
        return jsonify(error="invalid property id"), 400
    sources = {}
    for name, prefix in SOURCES:          # sequential, as in the seed
        sources[name] = fetch(prefix + property_id)
    with OUTCOMES_LOCK:
        for name, section in sources.items():
            OUTCOMES[name][section["status"]] += 1
    status = 200 if any(s["status"] == "ok" for s in sources.values()) else 502
    response = jsonify(property_id=property_id, sources=sources)
    response.headers["Cache-Control"] = "no-store"
    return response, status


if __name__ == "__main__":
    app.run(host=args.host, port=args.port, threaded=True)
