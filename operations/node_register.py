"""``scripts/node-register``: register this checkout as a UPT's node (README: "Node at a UPT").

Checks the token against central first — ``GET /api/v1/upts/<code>/feedback/`` answers 200 only to a token
that may act for that UPT — then writes ``var/node.env`` (SDP_MODE=upt, SDP_UPT_CODE, SDP_CENTRAL_URL,
SDP_NODE_TOKEN; readable by its owner only), which settings read at every start. Standard library only: it
runs in a fresh clone before ``scripts/start`` has installed anything.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def verify(central: str, upt: str, token: str, timeout: float = 30.0) -> str | None:
    """None when central accepts the token for ``upt``; otherwise why not, in one sentence."""
    url = f"{central}/api/v1/upts/{upt}/feedback/"
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 — http(s) checked in main()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 — the given central
            json.loads(response.read() or b"{}")
            return None
    except urllib.error.HTTPError as exc:
        if exc.code == 401:
            return "Pusat menolak token ini (salah, dicabut atau kedaluwarsa) / central refused the token."
        if exc.code in (403, 404):
            return f"Token ini tidak berlaku untuk UPT {upt} / the token is not for UPT {upt}."
        return f"Pusat menjawab HTTP {exc.code} / central answered HTTP {exc.code}."
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"Pusat tidak dapat dihubungi / central unreachable: {reason}"
    except ValueError:
        return "Jawaban pusat bukan JSON / central's answer is not JSON: is the address SDP's?"


def write_env(path: Path, values: dict[str, str]) -> None:
    """Write (replace) the node's settings, keeping any other line an operator added to the file."""
    kept = []
    if path.exists():
        kept = [line for line in path.read_text().splitlines() if line.split("=", 1)[0].strip() not in values]
    kept = [line for line in kept if not line.startswith("# Written by scripts/node-register")]
    lines = ["# Written by scripts/node-register: this checkout is a UPT node.", *values_lines(values), *kept]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.chmod(0o600)
    tmp.replace(path)


def values_lines(values: dict[str, str]) -> list[str]:
    return [f"{name}={value}" for name, value in values.items()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/node-register", description=__doc__.split("\n\n")[0])
    parser.add_argument("--central", required=True, help="central's address, e.g. https://sdp.ditjenpas.go.id")
    parser.add_argument("--upt", required=True, help="the UPT's code, e.g. LP3301")
    parser.add_argument("--token", required=True, help="the node credential central's admin issued")
    parser.add_argument("--send-time", default="", help="optional daily send at the node, HH:MM (WIB)")
    parser.add_argument("--offline", action="store_true", help="store without checking (central unreachable now)")
    args = parser.parse_args(argv)
    central, upt, token = args.central.rstrip("/"), args.upt.strip().upper(), args.token.strip()
    if not central.startswith(("http://", "https://")):
        print("--central harus diawali http:// atau https:// / must start with http:// or https://")
        return 2
    if not args.offline:
        problem = verify(central, upt, token)
        if problem:
            print(f"Tidak didaftarkan / not registered: {problem}")
            return 1
    var_dir = Path(os.environ.get("SDP_VAR_DIR", BASE_DIR / "var"))
    path = Path(os.environ.get("SDP_NODE_ENV_FILE", var_dir / "node.env"))
    values = {"SDP_MODE": "upt", "SDP_UPT_CODE": upt, "SDP_CENTRAL_URL": central, "SDP_NODE_TOKEN": token}
    if args.send_time:
        values["SDP_NODE_SEND_TIME"] = args.send_time
    write_env(path, values)
    checked = "tanpa pemeriksaan / unchecked" if args.offline else "token diperiksa pusat / token checked by central"
    print(f"Node {upt} terdaftar ke {central} ({checked}); pengaturan di {path}.")
    print("Jalankan / now run: scripts/start")
    return 0


if __name__ == "__main__":
    sys.exit(main())
