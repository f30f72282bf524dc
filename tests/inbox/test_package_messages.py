"""A refused package is told to a person in sentences: the upload page shows no machine code (``malformed``,
``checksum_mismatch``) and no text of Python's (``Expecting value``); the API keeps its codes (docs/API.md)."""

from __future__ import annotations

import gzip

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from central import package as pkg
from central.models import Submission
from devtools.package_synthetic import synthetic_package

pytestmark = pytest.mark.django_db
CODES = ("malformed", "checksum_mismatch", "count_mismatch", "Expecting", "Traceback", "zlib")


def upload(client_for, world, content: bytes, name: str = "paket.json") -> str:
    url = reverse("upt:package_upload", kwargs={"upt_code": world.upt_a.code})
    response = client_for(world.operator_a).post(url, {"package": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert not Submission.objects.exists()
    return response.content.decode()


def shows_sentence_only(html: str, sentence: str) -> None:
    assert "Paket ditolak; tidak ada yang disimpan" in html
    assert sentence in html, html[html.find("paket-ditolak") :][:1500]
    table = html[html.find("paket-ditolak") : html.find("</section>", html.find("paket-ditolak"))]
    assert not [code for code in CODES if code in table], table


@pytest.mark.parametrize(
    "content, sentence",
    [
        (
            b'{"format": "sdp-package", "persons": [1, 2,, ]}',
            "Paket bukan JSON yang sah: ada nilai yang hilang atau tanda baca yang salah (baris 1, kolom 44).",
        ),
        (b"{format: 1}", "Paket bukan JSON yang sah: nama kolom harus diapit tanda petik ganda (baris 1, kolom 2)."),
        (b'{"a": "b', "Paket bukan JSON yang sah: teks tidak ditutup tanda petik (baris 1, kolom 7)."),
        (b'{"a": 1} {}', "Paket bukan JSON yang sah: ada isi lain sesudah akhir data (baris 1, kolom 10)."),
    ],
)
def test_json_that_does_not_parse_is_described_in_indonesian(client_for, world, content, sentence):
    shows_sentence_only(upload(client_for, world, content), sentence)


def test_a_damaged_gzip_file(client_for, world):
    damaged = gzip.compress(pkg.dumps(synthetic_package(upt_code=world.upt_a.code, persons=2)))
    damaged = damaged[:20] + bytes(b ^ 0xFF for b in damaged[20:40]) + damaged[40:]
    html = upload(client_for, world, damaged, "paket.json.gz")
    shows_sentence_only(html, "Berkas gzip rusak dan tidak dapat dibuka. Ekspor ulang paket dari aplikasi di UPT.")


def test_a_checksum_that_does_not_match(client_for, world):
    document = synthetic_package(upt_code=world.upt_a.code, persons=2)
    document["records_checksum"] = "0" * len(document["records_checksum"])
    html = upload(client_for, world, pkg.dumps(document))
    shows_sentence_only(html, "Checksum data (records_checksum) tidak cocok")
    assert "<code>records_checksum</code>" in html  # where in the file: for whoever repairs it


def test_the_api_keeps_its_codes_with_the_sentence():
    with pytest.raises(pkg.PackageRejected) as refused:
        pkg.load_document(b"{")
    [error] = refused.value.errors
    assert error["code"] == "malformed"
    assert error["message"].startswith("Paket bukan JSON yang sah: ")
    assert "Expecting" not in error["message"]
    with pytest.raises(pkg.PackageRejected) as empty:
        pkg.load_document(b"  \n")
    assert empty.value.errors == [{"path": "", "code": "malformed", "message": "Berkas paket kosong."}]
