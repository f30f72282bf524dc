"""Bounded memory while receiving packages: a gzip bomb is refused (413) having inflated no more than the
size limit plus one chunk, and packages are parsed one at a time per process (the others wait, then 503)."""

from __future__ import annotations

import gzip
import threading
import zlib

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from central import package as pkg
from central.services import inbox

LIMIT = 1024 * 1024
CHUNK = 64 * 1024


def bomb(inflated: int) -> bytes:
    """``inflated`` zero bytes, gzip-compressed (about a thousandth of the size)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1024 * 1024)
    parts = [compressor.compress(block) for _ in range(inflated // len(block))]
    return b"".join(parts) + compressor.flush()


class CountingInflater:
    """zlib's decompressor, counting the most it ever handed back at once and in total."""

    def __init__(self, real):
        self.real = real
        self.total = 0
        self.largest = 0

    def decompress(self, data, max_length=0):
        out = self.real.decompress(data, max_length)
        self.total += len(out)
        self.largest = max(self.largest, len(out))
        return out

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_a_gzip_bomb_is_refused_without_inflating_it_all(monkeypatch):
    payload = bomb(64 * LIMIT)  # 64 MiB of zeros in about 64 KB
    assert len(payload) < LIMIT
    made: list[CountingInflater] = []
    real_decompressobj = zlib.decompressobj

    def counting(*args, **kwargs):
        made.append(CountingInflater(real_decompressobj(*args, **kwargs)))
        return made[-1]

    monkeypatch.setattr(pkg.zlib, "decompressobj", counting)
    with pytest.raises(pkg.PackageRejected) as refused:
        pkg.decode_payload(payload, max_bytes=LIMIT, chunk=CHUNK)
    assert refused.value.errors[0]["code"] == "too_large"
    (inflater,) = made
    assert inflater.largest <= CHUNK
    assert inflater.total <= LIMIT + CHUNK


def test_a_package_just_under_the_limit_still_inflates_whole():
    data = b"x" * (LIMIT - 1)
    assert bytes(pkg.decode_payload(gzip.compress(data), max_bytes=LIMIT, chunk=CHUNK)) == data


def test_a_truncated_gzip_is_malformed_not_a_crash():
    payload = gzip.compress(b'{"a": 1}' * 1000)[:-20]
    with pytest.raises(pkg.PackageRejected) as refused:
        pkg.decode_payload(payload, max_bytes=LIMIT)
    assert refused.value.errors[0]["code"] == "malformed"


@pytest.mark.django_db
def test_the_api_answers_a_gzip_bomb_with_413(world):
    client = APIClient()
    client.force_authenticate(world.operator_a)
    with override_settings(SUBMISSION_MAX_BYTES=LIMIT):
        response = client.post("/api/v1/submissions/", data=bomb(16 * LIMIT), content_type="application/gzip")
    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "too_large"


@pytest.mark.django_db
def test_a_package_waits_for_the_parsing_slot_then_is_told_to_retry(world, monkeypatch):
    monkeypatch.setattr(inbox, "_slots", threading.BoundedSemaphore(1))
    client = APIClient()
    client.force_authenticate(world.operator_a)
    # Another request is being parsed in this process.
    with inbox.parse_slot(), override_settings(SUBMISSION_SLOT_WAIT_SECONDS=0):
        response = client.post("/api/v1/submissions/", data=b"{}", content_type="application/json")
    assert response.status_code == 503
    assert response["Retry-After"] == str(inbox.ReceiverBusy.retry_after)
    # Once the slot is free the same request is judged on its content.
    with override_settings(SUBMISSION_SLOT_WAIT_SECONDS=0):
        response = client.post("/api/v1/submissions/", data=b"{}", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.django_db
def test_the_upload_page_says_when_the_server_is_busy(world, client_for, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    monkeypatch.setattr(inbox, "_slots", threading.BoundedSemaphore(1))
    url = reverse("upt:package_upload", kwargs={"upt_code": world.upt_a.code})
    with inbox.parse_slot(), override_settings(SUBMISSION_SLOT_WAIT_SECONDS=0):
        response = client_for(world.operator_a).post(url, {"package": SimpleUploadedFile("paket.json", b"{}")})
    assert response.status_code == 503
    assert "kirim ulang paket ini sebentar lagi" in response.content.decode()
