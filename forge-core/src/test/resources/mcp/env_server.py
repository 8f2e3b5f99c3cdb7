"""A stdio MCP server for tests: one tool, 'environment', that answers with what the process can see of its
environment, its user, and whether it can read the files it is asked about. JSON-RPC, one message a line."""
import json
import os
import sys


def answer(request_id, result):
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": request_id, "result": result}) + "\n")
    sys.stdout.flush()


def readable(path):
    try:
        with open(path, "rb") as f:
            f.read(1)
        return True
    except OSError:
        return False


for line in sys.stdin:
    message = json.loads(line)
    method, request_id = message.get("method"), message.get("id")
    if request_id is None:
        continue
    if method == "initialize":
        answer(request_id, {"protocolVersion": message["params"]["protocolVersion"], "capabilities": {"tools": {}},
                            "serverInfo": {"name": "forge-test-env", "version": "1.0.0"}})
    elif method == "tools/list":
        answer(request_id, {"tools": [{"name": "environment", "description": "what this process sees",
                                       "inputSchema": {"type": "object", "properties": {
                                           "paths": {"type": "array", "items": {"type": "string"}}}}}]})
    elif method == "tools/call":
        paths = message["params"].get("arguments", {}).get("paths", [])
        seen = {"env": dict(os.environ), "uid": os.getuid(), "cwd": os.getcwd(),
                "readable": {p: readable(p) for p in paths}}
        answer(request_id, {"content": [{"type": "text", "text": json.dumps(seen)}], "isError": False})
    else:
        sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": request_id,
                                     "error": {"code": -32601, "message": "no method " + method}}) + "\n")
        sys.stdout.flush()
