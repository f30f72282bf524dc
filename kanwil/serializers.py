"""Query parameters and response shapes of the read-only report API (documented in the OpenAPI schema)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from central.api.contract import QuerySerializer
from central.formats import show_date
from central.selectors.reports.common import EARLIEST_REPORT_DATE, MAX_RANGE_DAYS, UPT_TYPE_CHOICES, report_today

DATE_FORMATS = ["%Y-%m-%d"]


class ScopeQuerySerializer(QuerySerializer):
    kanwil = serializers.CharField(
        required=False,
        max_length=8,
        help_text=_("Kode Kanwil (kode provinsi, mis. 33); hanya wilayah yang boleh dilihat."),
    )
    upt = serializers.CharField(required=False, max_length=20, help_text=_("Kode UPT, mis. LP3301."))
    upt_type = serializers.ChoiceField(
        required=False,
        choices=UPT_TYPE_CHOICES,
        help_text=_("Jenis UPT."),
        error_messages={"invalid_choice": _("Jenis UPT tidak dikenal.")},
    )

    def _not_future(self, value: dt.date | None) -> dt.date | None:
        if value and value > report_today():
            raise serializers.ValidationError(_("Tanggal tidak boleh melewati hari ini."))
        if value and value < EARLIEST_REPORT_DATE:
            raise serializers.ValidationError(
                _("Tanggal tidak boleh sebelum %(earliest)s.") % {"earliest": show_date(EARLIEST_REPORT_DATE)}
            )
        return value


class OccupancyQuerySerializer(ScopeQuerySerializer):
    date = serializers.DateField(
        required=False, input_formats=DATE_FORMATS, help_text=_("Tanggal (YYYY-MM-DD, WIB); bawaan hari ini.")
    )

    def validate_date(self, value):
        return self._not_future(value)


class ComplianceQuerySerializer(ScopeQuerySerializer):
    date = serializers.DateField(
        required=False, input_formats=DATE_FORMATS, help_text=_("Satu hari (YYYY-MM-DD); sama dengan start=end=date.")
    )
    start = serializers.DateField(required=False, input_formats=DATE_FORMATS, help_text=_("Awal rentang (YYYY-MM-DD)."))
    end = serializers.DateField(
        required=False, input_formats=DATE_FORMATS, help_text=_("Akhir rentang (YYYY-MM-DD); bawaan hari ini.")
    )

    def validate_date(self, value):
        return self._not_future(value)

    def validate_start(self, value):
        return self._not_future(value)

    def validate_end(self, value):
        return self._not_future(value)

    def validate(self, attrs):
        if attrs.get("date") and (attrs.get("start") or attrs.get("end")):
            raise serializers.ValidationError({"date": _("Gunakan date, atau start dan end — tidak keduanya.")})
        if attrs.get("date"):
            attrs["start"] = attrs["end"] = attrs["date"]
        end = attrs.get("end") or report_today()
        start = attrs.get("start") or end
        if start > end:
            raise serializers.ValidationError(
                {"start": _("Tanggal awal harus sebelum atau sama dengan tanggal akhir.")}
            )
        if (end - start).days + 1 > MAX_RANGE_DAYS:
            raise serializers.ValidationError(
                {"start": _("Rentang paling panjang %(days)s hari.") % {"days": MAX_RANGE_DAYS}}
            )
        attrs["start"], attrs["end"] = start, end
        return attrs


# The occupancy fields' meaning, as ``central.reference`` defines it.
OCCUPANCY_RATE_HELP = _("penghuni ÷ kapasitas × 100 (100 = penuh); null bila kapasitas belum diisi atau tidak ada data")
OVERCROWDING_HELP = _(
    "(penghuni − kapasitas) ÷ kapasitas × 100 bila melebihi kapasitas; null bila tidak melebihi (tidak pernah negatif)"
)
LEVEL_HELP = _("red: melebihi kapasitas; yellow: tepat sama dengan kapasitas; green: di bawah kapasitas")


class UptRefSerializer(serializers.Serializer):
    upt_code = serializers.CharField(source="upt.code")
    upt_name = serializers.CharField(source="upt.name")
    upt_type = serializers.CharField(source="upt.upt_type")
    kanwil_code = serializers.CharField(source="upt.kanwil.code")
    kanwil_name = serializers.CharField(source="upt.kanwil.name")


OVERSTAY_DETAINEES_HELP = _(
    "Tahanan yang masih ditahan setelah batas masa penahanannya lewat (aturan P_DETENTION_OVERDUE), pada snapshot."
)
OVERSTAY_SENTENCED_HELP = _(
    "Narapidana yang masih ditahan setelah tanggal ekspirasinya lewat (aturan P_EXPIRY_PASSED), pada snapshot."
)


class OccupancyRowSerializer(UptRefSerializer):
    snapshot_date = serializers.DateField(allow_null=True, help_text=_("Tanggal snapshot hunian terakhir UPT."))
    capacity = serializers.IntegerField(source="occupancy.capacity")
    detainees = serializers.IntegerField(source="occupancy.detainees", allow_null=True)
    sentenced = serializers.IntegerField(source="occupancy.sentenced", allow_null=True)
    occupants = serializers.IntegerField(source="occupancy.total", allow_null=True)
    occupancy_rate_percent = serializers.FloatField(
        source="occupancy.occupancy_rate", allow_null=True, help_text=OCCUPANCY_RATE_HELP
    )
    overcrowding_percent = serializers.FloatField(
        source="occupancy.overcrowding", allow_null=True, help_text=OVERCROWDING_HELP
    )
    level = serializers.CharField(source="occupancy.level", help_text=LEVEL_HELP)
    overstay_detainees = serializers.IntegerField(
        source="occupancy.overstay_detainees", allow_null=True, help_text=OVERSTAY_DETAINEES_HELP
    )
    overstay_sentenced = serializers.IntegerField(
        source="occupancy.overstay_sentenced", allow_null=True, help_text=OVERSTAY_SENTENCED_HELP
    )


class OccupancyTotalsSerializer(serializers.Serializer):
    upts = serializers.IntegerField()
    upts_with_data = serializers.IntegerField(source="with_data")
    capacity = serializers.IntegerField()
    detainees = serializers.IntegerField()
    sentenced = serializers.IntegerField()
    occupants = serializers.IntegerField(source="total")
    occupancy_rate_percent = serializers.FloatField(
        source="occupancy.occupancy_rate", allow_null=True, help_text=OCCUPANCY_RATE_HELP
    )
    overcrowding_percent = serializers.FloatField(
        source="occupancy.overcrowding", allow_null=True, help_text=OVERCROWDING_HELP
    )
    level = serializers.CharField(source="occupancy.level", help_text=LEVEL_HELP)
    overstay_detainees = serializers.IntegerField(help_text=OVERSTAY_DETAINEES_HELP)
    overstay_sentenced = serializers.IntegerField(help_text=OVERSTAY_SENTENCED_HELP)


class ComplianceRowSerializer(UptRefSerializer):
    closed_days = serializers.IntegerField(help_text=_("Hari dalam rentang yang batas 14.00-nya sudah lewat."))
    sent_days = serializers.IntegerField()
    packages = serializers.IntegerField()
    on_time_occupancy_days = serializers.IntegerField()
    late_occupancy_days = serializers.IntegerField(help_text=_("Hari terkirim setelah 10.00 WIB."))
    late_other_days = serializers.IntegerField(help_text=_("Hari terkirim setelah 14.00 WIB."))
    missed_days = serializers.IntegerField()
    longest_missed_streak = serializers.IntegerField()
    current_missed_streak = serializers.IntegerField(
        allow_null=True,
        help_text=_(
            "Hari tidak kirim beruntun sampai akhir rentang; bila belum pernah mengirim, sejak kiriman pertama "
            "yang diterima pusat."
        ),
    )
    last_sent_date = serializers.DateField(allow_null=True)
    first_received_at = serializers.DateTimeField(allow_null=True)
    last_received_at = serializers.DateTimeField(allow_null=True)
    compliance_percent = serializers.FloatField(allow_null=True)
    on_time_percent = serializers.FloatField(allow_null=True)


class ComplianceTotalsSerializer(serializers.Serializer):
    upts = serializers.IntegerField()
    closed_days = serializers.IntegerField()
    sent_closed_days = serializers.IntegerField()
    late_occupancy_days = serializers.IntegerField()
    late_other_days = serializers.IntegerField()
    missed_days = serializers.IntegerField()
    compliance_percent = serializers.FloatField(allow_null=True)


class PageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    generated_at = serializers.DateTimeField()


class OccupancyReportSerializer(PageSerializer):
    date = serializers.DateField()
    totals = OccupancyTotalsSerializer()
    results = OccupancyRowSerializer(many=True)


class ComplianceReportSerializer(PageSerializer):
    start = serializers.DateField()
    end = serializers.DateField()
    totals = ComplianceTotalsSerializer()
    results = ComplianceRowSerializer(many=True)


# --- Daily checks (reconciliation and anomalies) ---------------------------------------------------------


class DailyChecksQuerySerializer(ScopeQuerySerializer):
    date = serializers.DateField(
        required=False, input_formats=DATE_FORMATS, help_text=_("Hari snapshot (YYYY-MM-DD, WIB); bawaan hari ini.")
    )
    findings_only = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("true: hanya UPT dengan selisih rekonsiliasi atau angka yang ditandai anomali."),
    )

    def validate_date(self, value):
        return self._not_future(value)


class AnomalySerializer(serializers.Serializer):
    metric = serializers.CharField(help_text=_("population, admissions atau releases."))
    value = serializers.IntegerField()
    history_days = serializers.IntegerField(help_text=_("Hari riwayat dalam jendela yang menjadi pembanding."))
    median = serializers.FloatField(allow_null=True)
    mad = serializers.FloatField(allow_null=True, help_text=_("Median simpangan absolut dari median."))
    score = serializers.FloatField(
        allow_null=True,
        help_text=_("(nilai − median) ÷ max(1,4826 × MAD, 1); null bila riwayat belum cukup."),
    )
    flagged = serializers.BooleanField()


class DailyCheckRowSerializer(UptRefSerializer):
    date = serializers.DateField(source="recon.date")
    state = serializers.CharField(
        source="recon.state",
        help_text=_(
            "balanced: seimbang; break: selisih; first: paket pertama atau belum ada snapshot sebelumnya; "
            "no_data: UPT belum pernah mengirim data (angka penghuninya null, bukan 0)."
        ),
    )
    previous_date = serializers.DateField(source="recon.previous_date", allow_null=True)
    previous_population = serializers.IntegerField(source="recon.previous_population", allow_null=True)
    admissions = serializers.IntegerField(source="recon.admissions")
    transfers_in = serializers.IntegerField(source="recon.transfers_in")
    recaptures = serializers.IntegerField(source="recon.recaptures")
    releases = serializers.IntegerField(source="recon.releases")
    transfers_out = serializers.IntegerField(source="recon.transfers_out")
    deaths = serializers.IntegerField(source="recon.deaths")
    escapes = serializers.IntegerField(source="recon.escapes")
    temporary_exits = serializers.IntegerField(
        source="recon.temporary_exits", help_text=_("Dicatat saja: penghuni yang keluar sementara tetap dihitung.")
    )
    returns = serializers.IntegerField(source="recon.returns")
    expected_population = serializers.IntegerField(source="recon.expected", allow_null=True)
    population = serializers.IntegerField(allow_null=True)
    difference = serializers.IntegerField(
        source="recon.difference", allow_null=True, help_text=_("population − expected_population.")
    )
    anomaly_state = serializers.CharField(
        help_text=_("normal, flagged, short_history (belum cukup riwayat) atau not_checked.")
    )
    anomalies = serializers.SerializerMethodField()

    @extend_schema_field(AnomalySerializer(many=True))
    def get_anomalies(self, obj):
        return AnomalySerializer(list(obj.anomalies.values()), many=True).data


class DailyChecksTotalsSerializer(serializers.Serializer):
    upts = serializers.IntegerField()
    balanced = serializers.IntegerField()
    breaks = serializers.IntegerField()
    first = serializers.IntegerField()
    no_data = serializers.IntegerField()
    flagged_upts = serializers.IntegerField()
    short_history = serializers.IntegerField()


class DailyChecksReportSerializer(PageSerializer):
    date = serializers.DateField()
    totals = DailyChecksTotalsSerializer()
    results = DailyCheckRowSerializer(many=True)


# --- Data-quality scorecard --------------------------------------------------------------------------------


class ScorecardQuerySerializer(ScopeQuerySerializer):
    month = serializers.RegexField(
        r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        help_text=_("Bulan (YYYY-MM); bawaan bulan ini (WIB)."),
        error_messages={"invalid": _("Bulan tidak valid; gunakan format YYYY-MM, mis. 2026-03.")},
    )

    def validate_month(self, value: str) -> dt.date:
        if int(value[:4]) < EARLIEST_REPORT_DATE.year:  # also year 0000, which no date can hold
            raise serializers.ValidationError(
                _("Tanggal tidak boleh sebelum %(earliest)s.") % {"earliest": show_date(EARLIEST_REPORT_DATE)}
            )
        month = dt.date(int(value[:4]), int(value[5:]), 1)
        if month > report_today().replace(day=1):
            raise serializers.ValidationError(_("Bulan tidak boleh melewati bulan ini."))
        return month


class ScorecardPartSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text=_("timeliness, accepted, reconciliation, anomalies, nik, extract atau conflicts.")
    )
    name = serializers.CharField(source="label", help_text=_("Nama bagian dalam bahasa antarmuka."))
    weight = serializers.IntegerField(help_text=_("Bobot bagian dalam skor (jumlah semua bobot 100)."))
    score = serializers.FloatField(allow_null=True, help_text=_("0–100; null bila bulan ini tidak ada datanya."))
    numerator = serializers.IntegerField(help_text=_("Hitungan yang baik (untuk conflicts: konflik terbuka)."))
    denominator = serializers.IntegerField(help_text=_("Dasar hitungan (0 untuk conflicts)."))


class ScorecardRowSerializer(UptRefSerializer):
    month = serializers.DateField(help_text=_("Hari pertama bulan rapor."))
    score = serializers.FloatField(allow_null=True, help_text=_("Rata-rata berbobot bagian yang ada datanya."))
    level = serializers.CharField(
        help_text=_("red di bawah 70, yellow di bawah 90, green selebihnya; kosong tanpa skor.")
    )
    rank_national = serializers.IntegerField(allow_null=True, help_text=_("Peringkat di antara UPT hasil ini."))
    rank_kanwil = serializers.IntegerField(allow_null=True, help_text=_("Peringkat di antara UPT Kanwil-nya."))
    parts = ScorecardPartSerializer(many=True, source="part_list")


class ScorecardReportSerializer(PageSerializer):
    month = serializers.DateField()
    results = ScorecardRowSerializer(many=True)
