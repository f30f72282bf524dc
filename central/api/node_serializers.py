"""Answers of the reference and feedback endpoints (``central.api.node_views``). Texts are in Bahasa
Indonesia whatever the request's language, like the row issues of a submission: the node shows them to its
operators as central's page does."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from central.models import ConflictKind, RecordType, Severity


class KanwilRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    province = serializers.CharField()


class UptRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField(help_text=gettext_lazy("Nama tanpa kata 'Kelas', seperti di dasbor."))
    type = serializers.CharField()
    # "class" is a Python word: the field is declared under another name and renamed in the schema's output.
    class_ = serializers.CharField(allow_blank=True, help_text=gettext_lazy("Kelas UPT (I, IIA, IIB, III)."))
    kanwil = serializers.CharField(help_text=gettext_lazy("Kode Kanwil."))
    city = serializers.CharField(allow_blank=True)
    capacity = serializers.IntegerField()
    active = serializers.BooleanField()
    hosting = serializers.CharField(
        help_text=gettext_lazy("hosted: UPT bekerja di server pusat; node: UPT punya server sendiri.")
    )

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["class"] = fields.pop("class_")
        return fields


class RuleTextSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    en = serializers.CharField()


class RuleRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    record_type = serializers.ChoiceField(choices=RecordType.choices)
    severity = serializers.ChoiceField(choices=Severity.choices)
    active = serializers.BooleanField()
    text = RuleTextSerializer()


class DetentionLimitRefSerializer(serializers.Serializer[Any]):
    register = serializers.CharField()
    effective_from = serializers.DateField()
    initial_days = serializers.IntegerField()
    extension_days = serializers.IntegerField()
    legal_basis = serializers.CharField()


class ReferenceSerializer(serializers.Serializer[Any]):
    version = serializers.CharField(
        help_text=gettext_lazy("Hash isi data acuan: isi yang sama selalu versi yang sama (juga ETag-nya).")
    )
    package_format_version = serializers.IntegerField(
        help_text=gettext_lazy("Versi format paket yang diterima pusat; node dengan versi lain tidak mengirim.")
    )
    generated_at = serializers.DateTimeField()
    kanwil = KanwilRefSerializer(many=True)
    upts = UptRefSerializer(many=True)
    rules = RuleRefSerializer(many=True)
    detention_limits = DetentionLimitRefSerializer(many=True)


# --- Feedback --------------------------------------------------------------------------------------------


class FeedbackUptSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class FeedbackSubmissionSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="package_id")
    kind = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    received_at = serializers.DateTimeField()
    report_date = serializers.DateField()
    rows_accepted = serializers.IntegerField()
    rows_rejected = serializers.IntegerField()
    rows_warned = serializers.IntegerField()
    consolidated_at = serializers.DateTimeField(allow_null=True)
    drift_detected = serializers.BooleanField()


class FeedbackIssueSerializer(serializers.Serializer[Any]):
    package_id = serializers.UUIDField(source="submission.package_id")
    received_at = serializers.DateTimeField(source="submission.received_at")
    severity = serializers.ChoiceField(source="issue.severity", choices=Severity.choices)
    record_type = serializers.ChoiceField(source="issue.record_type", choices=RecordType.choices)
    record_type_label = serializers.CharField(source="issue.get_record_type_display")
    record_key = serializers.CharField(source="issue.record_key")
    person_reg_number = serializers.CharField(
        allow_blank=True, help_text=gettext_lazy("WBP yang datanya dibuka untuk memperbaiki baris ini.")
    )
    rule = serializers.CharField(source="issue.rule_id")
    message = serializers.CharField(source="issue.rule.message")
    detail = serializers.CharField(source="issue.detail", allow_blank=True)
    resent = serializers.BooleanField(help_text=gettext_lazy("Versi baru data ini sudah diterima pusat."))


class FeedbackAnomalySerializer(serializers.Serializer[Any]):
    metric = serializers.CharField()
    metric_label = serializers.CharField(source="get_metric_display")
    value = serializers.IntegerField()
    median = serializers.FloatField(allow_null=True)


class FeedbackDailyCheckSerializer(serializers.Serializer[Any]):
    date = serializers.DateField(source="recon.date")
    state = serializers.CharField(source="recon.state")
    state_label = serializers.CharField(source="recon.get_state_display")
    previous_population = serializers.IntegerField(source="recon.previous_population", allow_null=True)
    inflow = serializers.IntegerField()
    outflow = serializers.IntegerField()
    expected = serializers.IntegerField(source="recon.expected", allow_null=True)
    population = serializers.IntegerField(allow_null=True)
    difference = serializers.IntegerField(source="recon.difference", allow_null=True)
    flagged = FeedbackAnomalySerializer(many=True)
    short_history = serializers.BooleanField()
    explanation = serializers.CharField(allow_blank=True)


class FeedbackConflictSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    detected_at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=ConflictKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    detail = serializers.CharField(allow_blank=True)
    reg_number = serializers.CharField(
        source="own_record.reg_number", allow_null=True, help_text=gettext_lazy("WBP UPT ini yang terkena.")
    )
    full_name = serializers.CharField(source="own_record.full_name", allow_null=True)


class FeedbackResultSerializer(serializers.Serializer[Any]):
    run = serializers.IntegerField(source="run_id")
    run_state = serializers.CharField(source="run.state")
    finished_at = serializers.DateTimeField(source="run.finished_at", allow_null=True)
    snapshot_date = serializers.DateField(source="run.snapshot_date", allow_null=True)
    submissions_count = serializers.IntegerField()
    rows_received = serializers.IntegerField()
    rows_accepted = serializers.IntegerField()
    rows_rejected = serializers.IntegerField()
    rows_warned = serializers.IntegerField()
    conflicts = serializers.IntegerField()


class FeedbackSerializer(serializers.Serializer[Any]):
    upt = FeedbackUptSerializer()
    generated_at = serializers.DateTimeField()
    submissions = FeedbackSubmissionSerializer(many=True)
    issues = FeedbackIssueSerializer(many=True)
    issues_truncated = serializers.BooleanField(
        help_text=gettext_lazy("Temuan lebih banyak dari batas jawaban; daftar lengkap ada di halaman pusat.")
    )
    daily_checks = FeedbackDailyCheckSerializer(many=True)
    conflicts = FeedbackConflictSerializer(many=True)
    results = FeedbackResultSerializer(many=True)

    def to_representation(self, instance: Any) -> Any:
        with translation.override("id"):
            return super().to_representation(instance)
