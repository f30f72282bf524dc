"""The package format: field lists, canonical hashing and checksums, shared by builder and receiver."""

import hashlib
import json
import uuid
from datetime import date

from central import package as pkg
from central.models.records import PERSON_PACKAGE_FIELDS
from devtools.package_synthetic import synthetic_package


def test_version_1_person_fields_are_the_shared_record_shape():
    # A change to the person record shape changes what travels: it needs a new format version.
    assert ("uid", *PERSON_PACKAGE_FIELDS) == pkg.PERSON_FIELDS
    assert len(pkg.PERSON_FIELDS) == 35
    assert pkg.PERSON_FIELDS[:3] == ("uid", "reg_number", "nik")


def test_row_hash_is_sha256_of_the_compact_json_array():
    values = ["a1", None, 3, True, "Sleman", "2026-01-02"]
    expected = hashlib.sha256(b'["a1",null,3,true,"Sleman","2026-01-02"]').hexdigest()
    assert pkg.row_hash(values) == expected


def test_canonical_values_are_what_json_carries():
    uid = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert pkg.canonical_record([uid, date(2026, 1, 2), "Ñoño", 0, False, None]) == [
        "12345678-1234-5678-1234-567812345678",
        "2026-01-02",
        "Ñoño",
        0,
        False,
        None,
    ]
    # Non-ASCII text is hashed as UTF-8, not escaped: the receiver hashes the same text.
    assert pkg.row_hash(["Ñoño"]) == hashlib.sha256('["Ñoño"]'.encode()).hexdigest()


def test_state_checksum_ignores_input_order():
    entries = [("person", "B/2", "h2"), ("movement", "u1", "h3"), ("person", "A/1", "h1")]
    assert pkg.state_checksum(entries) == pkg.state_checksum(reversed(entries))
    expected = hashlib.sha256(b"movement\tu1\th3\nperson\tA/1\th1\nperson\tB/2\th2\n").hexdigest()
    assert pkg.state_checksum(entries) == expected


def test_records_checksum_depends_on_every_record_and_its_place():
    a = pkg.records_checksum(["h1", "h2"], [], [], [])
    assert a == pkg.records_checksum(["h1", "h2"], [], [], [])
    assert a != pkg.records_checksum(["h2", "h1"], [], [], [])
    assert a != pkg.records_checksum(["h1"], ["h2"], [], [])
    assert a != pkg.records_checksum(["h1", "h2"], [], [], [("person", "X")])


def test_an_assembled_package_reads_back_as_valid():
    doc = synthetic_package(upt_code="LP0001", persons=5, movements=6, remissions=2)
    data = json.loads(pkg.dumps(doc))
    header = pkg.read_header(data)
    parsed = pkg.parse_records(data, header, resolve_upt_codes=lambda codes: codes)
    assert (len(parsed.persons), len(parsed.movements), len(parsed.remissions)) == (5, 6, 2)
    assert parsed.person_hashes[0] == pkg.row_hash([data["persons"][0][f] for f in pkg.PERSON_FIELDS])
    # Typed values for staging: dates and UUIDs parsed.
    assert isinstance(parsed.persons[0][0], uuid.UUID)
    assert isinstance(parsed.persons[0][pkg.PERSON_FIELDS.index("admission_date")], date)


def test_content_hash_ignores_only_the_generation_time():
    doc = synthetic_package(upt_code="LP0001", persons=2)
    later = dict(doc, generated_at="2030-01-01T00:00:00+07:00")
    assert pkg.content_hash(doc, doc["records_checksum"]) == pkg.content_hash(later, doc["records_checksum"])
    other_state = dict(doc, state_checksum="0" * 64)
    assert pkg.content_hash(doc, doc["records_checksum"]) != pkg.content_hash(other_state, doc["records_checksum"])


def test_schema_of_a_record_lists_codes_from_the_reference_module():
    schema = pkg.json_schema_for(pkg.MOVEMENT_SPECS)
    assert schema["additionalProperties"] is False
    assert "TRANSFER_IN" in schema["properties"]["kind"]["enum"]
    assert "" in schema["properties"]["release_reason"]["enum"]  # optional code
    assert schema["properties"]["date"] == {"type": "string", "format": "date", "description": "tanggal"}
