"""Central and a UPT node as two real servers on loopback (tests/node/conftest.py), the node reaching central
through the link proxy: a day of entry at the node sent through its outbox, consolidated at central by a
central user, central's correction list at the node; then the link's faults, each ending with the national
register equal to the node's own (what a clean exchange produces).

The tests share one pair of servers and run in order: each starts from what the previous left, as a UPT's
days follow one another.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request

import psycopg
import pytest

from tests.node.conftest import OPERATOR, PASSWORD, UPT_CODE, Pair

pytestmark = pytest.mark.integration

SUBMISSIONS = b"POST /api/v1/submissions/"


class Operator:
    """The node's operator in a browser: cookies and the CSRF token, as a browser keeps them."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as answer:
            return answer.read().decode()

    def post(self, path: str, data: dict[str, str] | None = None, form_page: str | None = None) -> tuple[str, str]:
        html = self.get(form_page or path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **(data or {})}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        with self.opener.open(request, timeout=120) as answer:
            return answer.geturl(), answer.read().decode()

    def login(self) -> None:
        landed, html = self.post("/akun/masuk/", {"username": OPERATOR, "password": PASSWORD})
        assert "/akun/masuk/" not in landed, html[:800]

    def send(self, *, full: bool = False) -> str:
        """'Kirim ke pusat' on the node's send page; the page it lands on (the outbox)."""
        landed, html = self.post(f"/upt/{UPT_CODE}/kirim/", {"full": "on"} if full else {})
        assert landed.endswith(f"/upt/{UPT_CODE}/kiriman/"), landed
        return html


@pytest.fixture(scope="module")
def operator(pair: Pair) -> Operator:
    person = Operator(pair.node.url)
    person.login()
    return person


# --- reading each server's database (read only; every write goes through the servers) --------------------
def _rows(server, sql: str, params=()) -> list[tuple]:
    with psycopg.connect(server.database_url) as conn:
        return conn.execute(sql, params).fetchall()


def outbox(pair: Pair) -> list[dict]:
    rows = _rows(
        pair.node,
        "SELECT o.package_id::text, o.state, o.kind, o.attempts, o.answer, o.last_error FROM upt_outboxpackage o "
        "JOIN central_upt u ON u.id = o.upt_id WHERE u.code = %s ORDER BY o.created_at, o.id",
        [UPT_CODE],
    )
    keys = ("package_id", "state", "kind", "attempts", "answer", "last_error")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def submissions(pair: Pair) -> list[dict]:
    rows = _rows(
        pair.central,
        "SELECT s.package_id::text, s.kind, s.state, s.drift_detected FROM central_submission s "
        "JOIN central_upt u ON u.id = s.upt_id WHERE u.code = %s ORDER BY s.received_at, s.id",
        [UPT_CODE],
    )
    return [dict(zip(("package_id", "kind", "state", "drift"), row, strict=True)) for row in rows]


def register(server, people_table: str, movements_table: str) -> dict:
    people = _rows(
        server,
        f"SELECT p.reg_number, p.full_name, p.status, p.register FROM {people_table} p "
        "JOIN central_upt u ON u.id = p.upt_id WHERE u.code = %s ORDER BY 1",
        [UPT_CODE],
    )
    movements = _rows(
        server,
        f"SELECT m.uid::text, m.kind, m.date::text FROM {movements_table} m "
        "JOIN central_upt u ON u.id = m.upt_id WHERE u.code = %s ORDER BY 1",
        [UPT_CODE],
    )
    return {"people": people, "movements": movements}


def node_register(pair: Pair) -> dict:
    return register(pair.node, "upt_person", "upt_movement")


def national_register(pair: Pair) -> dict:
    return register(pair.central, "central_nationalperson", "central_nationalmovement")


# --- acting at each server ---------------------------------------------------------------------------------
def entry(pair: Pair, **counts) -> dict:
    """A day of entry at the node, through its services (node_actions.day_of_entry)."""
    args = ", ".join(f"{k}={v!r}" for k, v in counts.items())
    return pair.node.shell(
        "from tests.node.node_actions import day_of_entry\n"
        f"emit(day_of_entry(upt_code={UPT_CODE!r}, operator={OPERATOR!r}, {args}))"
    )


def newest(pair: Pair) -> dict:
    return outbox(pair)[-1]


def wait_state(pair: Pair, package_id: str, *states: str, timeout: float = 120) -> dict:
    def reached():
        item = next(i for i in outbox(pair) if i["package_id"] == package_id)
        return item if item["state"] in states else None

    return pair.wait_for(reached, f"package {package_id} {'/'.join(states)}", timeout=timeout)


def central_api(pair: Pair, method: str, path: str) -> tuple[int, dict]:
    """Central's API as the central user, straight to central (not through the node's link)."""
    request = urllib.request.Request(
        pair.central.url + path,
        method=method,
        headers={"Authorization": f"Token {pair.central_token}", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def consolidate(pair: Pair) -> dict:
    """A central user runs the consolidation over the API; the worker at central does it."""
    status, run = central_api(pair, "POST", "/api/v1/consolidations/")
    assert status in (200, 202), run
    run_id = run["id"]

    def finished():
        _status, now = central_api(pair, "GET", f"/api/v1/consolidations/{run_id}/")
        return now if now.get("state") not in ("queued", "running") else None

    done = pair.wait_for(finished, f"consolidation {run_id}", timeout=180)
    assert done["state"] == "succeeded", done
    return done


def assert_register_equal(pair: Pair) -> None:
    consolidate(pair)
    national, held = national_register(pair), node_register(pair)
    assert national == held, {"national": national, "node": held}
    assert held["people"], "the comparison needs people in it"


# --- the day ------------------------------------------------------------------------------------------------
def test_a_day_of_entry_reaches_central_and_comes_back_as_the_correction_list(pair, operator):
    counts = entry(pair, admit=6, release=1, register_change=1)
    assert counts == {"people": 6, "movements": 8}

    page = operator.send()
    assert "masuk antrean kirim" in page
    item = wait_state(pair, newest(pair)["package_id"], "delivered")
    assert item["kind"] == "full" and item["answer"]["id"] == item["package_id"]
    assert [s["package_id"] for s in submissions(pair)] == [item["package_id"]]
    listed = operator.get(f"/upt/{UPT_CODE}/kiriman/")  # the operator's view of the outbox
    assert re.search(r'class="badge green">\s*diterima pusat', listed), listed[listed.find("<table") :][:2000]

    assert_register_equal(pair)

    # Back from central: "Perbarui dari pusat" on the correction list fetches the UPT's feedback.
    landed, html = operator.post(f"/upt/{UPT_CODE}/koreksi/", {"perbarui": "1"})
    assert landed.endswith(f"/upt/{UPT_CODE}/koreksi/")
    assert "Umpan balik diperbarui dari pusat" in html and "Umpan balik per" in html
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.find("<main") :]))
    # Central's daily check of this first package: 6 admitted, 1 released, 5 held in central's snapshot.
    assert "Pemeriksaan harian pusat" in text and "Paket pertama UPT" in text, text[:3000]
    assert re.search(r"Belum ada pembanding — 6 1 — 5 ", text), text[:3000]
    assert "Tidak ada temuan" in text  # every row passed central's validation


# --- the faults ------------------------------------------------------------------------------------------------
def test_central_down_during_a_send_is_delivered_when_it_returns(pair, operator):
    entry(pair, admit=3, release=1)
    pair.proxy.set_down()
    refused_before = pair.proxy.stats.refused
    operator.send()
    item = newest(pair)
    pair.wait_for(
        lambda: (
            (now := next(i for i in outbox(pair) if i["package_id"] == item["package_id"]))["attempts"] >= 2
            and now["state"] == "waiting"
        ),
        "two failed attempts while central is down",
    )
    assert pair.proxy.stats.refused > refused_before
    assert item["package_id"] not in {s["package_id"] for s in submissions(pair)}
    assert "tidak dapat dihubungi" in operator.get(f"/upt/{UPT_CODE}/kiriman/")

    pair.proxy.set_pass()  # central is back: the periodic retry delivers it
    wait_state(pair, item["package_id"], "delivered")
    assert [s["package_id"] for s in submissions(pair)].count(item["package_id"]) == 1
    assert_register_equal(pair)


def test_connection_cut_mid_upload_is_sent_again_whole(pair, operator):
    entry(pair, admit=4, register_change=1)
    pair.proxy.set_cut_after(600, match=SUBMISSIONS)  # the headers and a little of the body, then the line drops
    operator.send()
    item = wait_state(pair, newest(pair)["package_id"], "delivered")
    assert pair.proxy.stats.cuts >= 1 and item["attempts"] >= 2
    assert [s["package_id"] for s in submissions(pair)].count(item["package_id"]) == 1
    assert_register_equal(pair)


def test_response_lost_after_central_stored_the_package_is_not_stored_twice(pair, operator):
    entry(pair, admit=2, release=1)
    dropped_before = pair.proxy.stats.dropped_responses
    pair.proxy.set_drop_response(match=SUBMISSIONS)
    operator.send()
    item = wait_state(pair, newest(pair)["package_id"], "delivered")
    assert pair.proxy.stats.dropped_responses == dropped_before + 1 and item["attempts"] >= 2
    stored = [s for s in submissions(pair) if s["package_id"] == item["package_id"]]
    assert len(stored) == 1  # central had stored it on the first attempt; the retry got its original answer
    assert item["answer"]["id"] == item["package_id"]
    assert_register_equal(pair)


def test_node_restarted_with_packages_queued_delivers_each_once(pair, operator):
    pair.node.kill("worker")
    pair.node.kill("beat")
    entry(pair, admit=3)
    pair.proxy.set_down()  # and nothing goes out while the node is down
    operator.send()
    item = newest(pair)
    assert item["state"] == "waiting"
    pair.node.kill("web")  # the whole node goes down with the package queued
    pair.proxy.set_pass()
    pair.node.start_web()
    pair.node.start_worker()
    pair.node.start_beat()
    wait_state(pair, item["package_id"], "delivered")
    assert [s["package_id"] for s in submissions(pair)].count(item["package_id"]) == 1
    assert_register_equal(pair)


def test_node_database_restored_from_an_old_backup_sends_a_full_snapshot(pair, operator, tmp_path):
    node = pair.node
    backups = tmp_path / "backups"
    node.manage("backup", "--dir", str(backups), "--keep", "3")  # the node's nightly backup (README)
    (dump,) = backups.glob("*.dump")
    entry(pair, admit=3, release=1)
    operator.send()
    wait_state(pair, newest(pair)["package_id"], "delivered")

    # The node's disk is lost; the last backup (before that send) is restored.
    for what in ("beat", "worker", "web"):
        node.kill(what)
    node.manage("restore", str(dump), "--force")
    node.start_web()
    node.start_worker()
    node.start_beat()
    restored = Operator(node.url)
    restored.login()
    entry(pair, admit=1)  # the operator goes on working on the restored register

    restored.send()
    first = wait_state(pair, newest(pair)["package_id"], "delivered", "refused")
    drifted = submissions(pair)[-1]
    assert drifted["package_id"] == first["package_id"] and drifted["drift"], drifted
    assert first["answer"]["next_package"]["kind"] == "full", first["answer"]

    restored.send()  # the next package is the full snapshot central asked for
    full = wait_state(pair, newest(pair)["package_id"], "delivered")
    assert full["kind"] == "full"
    assert_register_equal(pair)


def test_full_snapshot_over_a_slow_line_cut_midway_goes_through_on_retry(pair, operator):
    """256 kbit/s (32,000 B/s) that also drops once, halfway through a full snapshot's upload."""
    entry(pair, admit=100, release=10, register_change=10)
    pair.proxy.set_throttle(32_000)
    pair.proxy.set_cut_after(6_000, match=SUBMISSIONS)
    cuts_before = pair.proxy.stats.cuts
    try:
        operator.send(full=True)
        item = wait_state(pair, newest(pair)["package_id"], "delivered")
        waited = pair.proxy._bucket_up.waited
    finally:
        pair.proxy.set_pass()
    assert item["kind"] == "full" and item["attempts"] >= 2
    assert pair.proxy.stats.cuts == cuts_before + 1 and waited > 0  # cut once, and the line was slow
    size = _rows(pair.node, "SELECT size FROM upt_outboxpackage WHERE package_id = %s", [item["package_id"]])[0][0]
    assert size > 9_000, size  # the cut fell inside the body, not in the headers
    assert [s["package_id"] for s in submissions(pair)].count(item["package_id"]) == 1
    assert_register_equal(pair)
