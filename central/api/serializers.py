"""Serializers of the submissions API: the package (for the OpenAPI schema — receiving validates with
``central.package``, which also reports every error at once) and the submission as answered."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from central import package as pkg
from central.api.contract import QuerySerializer, ValidationErrorSerializer
from central.models import PackageKind, Severity, Submission, SubmissionState

# --- The package, as documented in the schema --------------------------------------------------------


def _field(spec: pkg.FieldSpec) -> serializers.Field[Any, Any, Any, Any]:
    common: dict[str, Any] = {"help_text": str(spec.label), "required": True}
    if spec.type == "string":
        if spec.choice_labels:
            choices = list(spec.choice_labels) + ([] if spec.required else [("", "")])
            return serializers.ChoiceField(choices=choices, **common)
        if spec.max_length is not None:
            common["max_length"] = spec.max_length
        return serializers.CharField(allow_blank=not spec.required, **common)
    if spec.type == "date":
        return serializers.DateField(allow_null=spec.nullable, **common)
    if spec.type == "uuid":
        return serializers.UUIDField(allow_null=spec.nullable, **common)
    if spec.type == "integer":
        if spec.maximum is not None:
            common["max_value"] = spec.maximum
        return serializers.IntegerField(min_value=0, **common)
    return serializers.BooleanField(**common)


def _record_serializer(
    name: str, specs: Iterable[pkg.FieldSpec], doc: str | Promise
) -> type[serializers.Serializer[Any]]:
    fields = {spec.name: _field(spec) for spec in specs}
    # A lazy description (not the docstring) so the schema follows the reader's language.
    serializer: type[serializers.Serializer[Any]] = type(name, (serializers.Serializer,), fields)
    return extend_schema_serializer(description=doc)(serializer)


PackagePersonSerializer = _record_serializer(
    "PackagePerson",
    pkg.PERSON_SPECS,
    gettext_lazy("Seorang WBP: seluruh kolom catatan orang, dikunci dengan nomor registrasi di UPT pengirim."),
)
PackageMovementSerializer = _record_serializer(
    "PackageMovement",
    pkg.MOVEMENT_SPECS,
    gettext_lazy("Satu mutasi, dikunci dengan uid; merujuk orang lewat nomor registrasinya, UPT lain lewat kodenya."),
)
PackageRemissionSerializer = _record_serializer(
    "PackageRemission", pkg.REMISSION_SPECS, gettext_lazy("Satu SK remisi, dikunci dengan uid.")
)
PackageDeletionSerializer = _record_serializer(
    "PackageDeletion",
    pkg.DELETION_SPECS,
    gettext_lazy("Tanda hapus (hanya paket delta): data yang dihapus UPT sejak kiriman lalu."),
)


class PackageCountsSerializer(serializers.Serializer[Any]):
    persons = serializers.IntegerField(min_value=0)
    movements = serializers.IntegerField(min_value=0)
    remissions = serializers.IntegerField(min_value=0)
    deletions = serializers.IntegerField(min_value=0)


class PackageSerializer(serializers.Serializer[Any]):
    """Paket harian UPT, format versi 1 (lihat docs/PACKAGE.md untuk checksum dan aturan lengkap).

    ``records_checksum``: SHA-256 atas satu baris per data menurut urutan paket —
    ``person\\t<hash>``, ``movement\\t<hash>``, ``remission\\t<hash>``, lalu ``deletion\\t<jenis>\\t<kunci>`` —
    dengan ``<hash>`` = SHA-256 dari larik JSON nilai kolom menurut urutan kolom. ``state_checksum``:
    SHA-256 atas ``<jenis>\\t<kunci>\\t<hash>`` seluruh data UPT saat ini, diurutkan; bila berbeda dengan
    cermin pusat, paket tetap diterima dan pusat meminta paket lengkap berikutnya.
    Boleh dikirim terkompresi gzip (``Content-Encoding: gzip`` atau ``Content-Type: application/gzip``).
    """

    format = serializers.ChoiceField(choices=[pkg.FORMAT])
    format_version = serializers.ChoiceField(choices=sorted(pkg.SUPPORTED_VERSIONS))
    package_id = serializers.UUIDField(
        help_text=gettext_lazy("UUID paket; kunci idempotensi (kirim ulang dengan ID yang sama).")
    )
    upt_code = serializers.CharField(max_length=20, help_text=gettext_lazy("Kode UPT pengirim."))
    kind = serializers.ChoiceField(choices=PackageKind.choices)
    generated_at = serializers.DateTimeField(help_text=gettext_lazy("Waktu paket dibuat (ISO 8601 dengan zona waktu)."))
    since = serializers.DateTimeField(
        allow_null=True, help_text=gettext_lazy("Paket delta: perubahan sejak waktu ini; full: null.")
    )
    counts = PackageCountsSerializer()
    records_checksum = serializers.RegexField(r"^[0-9a-f]{64}$")
    state_checksum = serializers.RegexField(r"^[0-9a-f]{64}$")
    persons = PackagePersonSerializer(many=True)
    movements = PackageMovementSerializer(many=True)
    remissions = PackageRemissionSerializer(many=True)
    deletions = PackageDeletionSerializer(many=True)


class PackageRejectedSerializer(ValidationErrorSerializer):
    truncated = serializers.BooleanField(
        help_text=gettext_lazy("Daftar dipotong: ada kesalahan lain yang tidak ditampilkan.")
    )


# --- Token and query parameters ----------------------------------------------------------------------------


class CredentialsSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False)
    name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=gettext_lazy(
            'Nama perangkat, mis. "SIMPAS Lapas Karanganyar". Satu token per perangkat: meminta lagi dengan nama '
            'yang sama mencabut token lama. Tanpa nama: "Perangkat tanpa nama".'
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # django-axes watches this call (and locks the account out after repeated failures).
        user = authenticate(request=self.context.get("request"), username=attrs["username"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(
                gettext_lazy("Nama pengguna atau kata sandi salah."), code="authorization"
            )
        attrs["user"] = user
        return attrs


class AuthTokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(
        help_text=gettext_lazy("Dikirim sebagai header Authorization: Token <token>. Ditampilkan sekali ini saja.")
    )
    name = serializers.CharField(help_text=gettext_lazy("Nama perangkat pemilik token."))
    expiry = serializers.DateTimeField(help_text=gettext_lazy("Token tidak berlaku lagi sesudah waktu ini."))


class SubmissionQuerySerializer(QuerySerializer):
    upt = serializers.CharField(required=False, max_length=20, help_text=gettext_lazy("Kode UPT"))
    state = serializers.ChoiceField(required=False, choices=SubmissionState.choices)
    kind = serializers.ChoiceField(required=False, choices=PackageKind.choices)
    report_date = serializers.DateField(
        required=False, input_formats=["%Y-%m-%d"], help_text=gettext_lazy("Tanggal laporan (YYYY-MM-DD, WIB)")
    )


# --- The submission, as answered -------------------------------------------------------------------------


class TimelinessSerializer(serializers.Serializer[Any]):
    on_time_occupancy = serializers.BooleanField(
        help_text=gettext_lazy("Diterima sebelum batas data tahanan dan hunian.")
    )
    deadline_occupancy = serializers.CharField(help_text=gettext_lazy("Batas waktu (WIB), mis. 10:00."))
    on_time_other = serializers.BooleanField(help_text=gettext_lazy("Diterima sebelum batas data lainnya."))
    deadline_other = serializers.CharField(help_text=gettext_lazy("Batas waktu (WIB), mis. 14:00."))


class ResultsSerializer(serializers.Serializer[Any]):
    rows_accepted = serializers.IntegerField()
    rows_rejected = serializers.IntegerField()
    rows_warned = serializers.IntegerField()
    consolidated_at = serializers.DateTimeField(allow_null=True)
    run = serializers.IntegerField(
        allow_null=True, help_text=gettext_lazy("Proses konsolidasi yang mengolah kiriman ini.")
    )


class IssueCountsSerializer(serializers.Serializer[Any]):
    errors = serializers.IntegerField()  # type: ignore[assignment]  # the API's name, shadowing Serializer.errors
    warnings = serializers.IntegerField()


class SubmissionSerializer(serializers.ModelSerializer[Any]):
    id = serializers.UUIDField(source="package_id", read_only=True)
    url = serializers.SerializerMethodField()
    upt_code = serializers.CharField(source="upt.code", read_only=True)
    upt_name = serializers.CharField(source="upt.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    sent_by = serializers.CharField(source="sent_by.username", read_only=True)
    timeliness = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "id",
            "url",
            "upt_code",
            "upt_name",
            "kind",
            "format_version",
            "channel",
            "state",
            "state_label",
            "generated_at",
            "since",
            "received_at",
            "report_date",
            "sent_by",
            "timeliness",
            "counts",
            "drift_detected",
            "results",
        ]
        read_only_fields = fields

    def get_url(self, obj: Submission) -> str:
        path = reverse("api:submission-detail", kwargs={"package_id": obj.package_id})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(TimelinessSerializer)
    def get_timeliness(self, obj: Submission) -> dict[str, Any]:
        return {
            "on_time_occupancy": obj.on_time_occupancy,
            "deadline_occupancy": settings.SUBMISSION_DEADLINE_OCCUPANCY.strftime("%H:%M"),
            "on_time_other": obj.on_time_other,
            "deadline_other": settings.SUBMISSION_DEADLINE_OTHER.strftime("%H:%M"),
        }

    @extend_schema_field(PackageCountsSerializer)
    def get_counts(self, obj: Submission) -> dict[str, Any]:
        return {
            "persons": obj.person_count,
            "movements": obj.movement_count,
            "remissions": obj.remission_count,
            "deletions": obj.deletion_count,
        }

    @extend_schema_field(ResultsSerializer)
    def get_results(self, obj: Submission) -> dict[str, Any]:
        # Through the serializer, so consolidated_at is written like every other time (WIB offset).
        return ResultsSerializer(
            {
                "rows_accepted": obj.rows_accepted,
                "rows_rejected": obj.rows_rejected,
                "rows_warned": obj.rows_warned,
                "consolidated_at": obj.consolidated_at,
                "run": obj.run_id,
            }
        ).data


class RowIssueSerializer(serializers.Serializer[Any]):
    record_type = serializers.CharField()
    record_key = serializers.CharField()
    rule = serializers.CharField(source="rule_id")
    severity = serializers.ChoiceField(choices=Severity.choices)
    message = serializers.CharField(
        source="rule.message", help_text=gettext_lazy("Pesan aturan dalam Bahasa Indonesia.")
    )
    detail = serializers.CharField()

    def to_representation(self, instance: Any) -> Any:
        # The detail is stored as a code and arguments (``central.issue_details``); the API renders it in
        # Bahasa Indonesia, like the rule's message beside it, whatever the request's language.
        with translation.override("id"):
            return super().to_representation(instance)


class NextPackageSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=PackageKind.choices)
    reason = serializers.CharField(allow_blank=True)


class SubmissionDetailSerializer(SubmissionSerializer):
    issue_counts = serializers.SerializerMethodField()
    issues = serializers.SerializerMethodField()
    next_package = serializers.SerializerMethodField()

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "issue_counts", "issues", "next_package"]
        read_only_fields = fields

    @extend_schema_field(IssueCountsSerializer)
    def get_issue_counts(self, obj: Submission) -> dict[str, int]:
        counts: dict[str, int] = self.context.get("issue_counts", {"errors": 0, "warnings": 0})
        return counts

    @extend_schema_field(RowIssueSerializer(many=True))
    def get_issues(self, obj: Submission) -> list[dict[str, Any]]:
        return list(RowIssueSerializer(self.context.get("issues", []), many=True).data)

    @extend_schema_field(NextPackageSerializer)
    def get_next_package(self, obj: Submission) -> dict[str, str]:
        sync = self.context.get("sync")
        if sync is None or sync.last_submission_id is None:
            return {"kind": "full", "reason": "first"}
        if sync.full_requested:
            return {"kind": "full", "reason": sync.full_reason}
        return {"kind": "delta", "reason": ""}
