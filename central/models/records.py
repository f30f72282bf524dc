"""The shape of a person's record, shared by the UPT's working register, central's staging rows and the
national register, so that the daily package maps field for field and no column is lost on the way.

Column lengths here are permissive on purpose: staging must keep what a UPT sent so that validation can
say what is wrong with it. ``upt.Person`` tightens fields with validators for data entry.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from central.reference import CrimeCategory, Education, PersonStatus, Register, Religion, Sex


class PersonRecord(models.Model):
    reg_number = models.CharField(_("nomor registrasi"), max_length=40)
    nik = models.CharField(_("NIK"), max_length=32, blank=True)
    passport_number = models.CharField(_("nomor paspor"), max_length=30, blank=True)
    nationality = models.CharField(_("kewarganegaraan"), max_length=60, default="Indonesia")
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    alias = models.CharField(_("alias"), max_length=100, blank=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_place = models.CharField(_("tempat lahir"), max_length=80, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    religion = models.CharField(_("agama"), max_length=20, choices=Religion.choices, blank=True)
    education = models.CharField(_("pendidikan"), max_length=20, choices=Education.choices, blank=True)
    occupation = models.CharField(_("pekerjaan"), max_length=80, blank=True)
    address = models.CharField(_("alamat"), max_length=255, blank=True)

    register = models.CharField(_("register"), max_length=8, choices=Register.choices)
    register_since = models.DateField(
        _("register sejak"),
        null=True,
        blank=True,
        help_text=_("Tanggal mulai register saat ini (untuk tahanan: mulai penahanan oleh instansi ini)."),
    )
    crime_category = models.CharField(_("kategori kejahatan"), max_length=24, choices=CrimeCategory.choices)
    case_number = models.CharField(_("nomor perkara"), max_length=80, blank=True)
    articles = models.CharField(_("pasal"), max_length=200, blank=True)
    court = models.CharField(_("pengadilan"), max_length=120, blank=True)
    verdict_date = models.DateField(_("tanggal putusan"), null=True, blank=True)
    verdict_number = models.CharField(_("nomor petikan putusan"), max_length=80, blank=True)
    sentence_years = models.PositiveSmallIntegerField(_("pidana (tahun)"), default=0)
    sentence_months = models.PositiveSmallIntegerField(_("pidana (bulan)"), default=0)
    sentence_days = models.PositiveSmallIntegerField(_("pidana (hari)"), default=0)
    fine_amount = models.PositiveBigIntegerField(_("denda (Rp)"), default=0)
    subsidiary_months = models.PositiveSmallIntegerField(_("subsider (bulan)"), default=0)
    subsidiary_days = models.PositiveSmallIntegerField(_("subsider (hari)"), default=0)
    fine_paid = models.BooleanField(_("denda dibayar"), default=False)
    remission_days = models.PositiveIntegerField(
        _("total remisi (hari)"), default=0, help_text=_("Jumlah hari remisi yang telah diberikan.")
    )
    detention_start = models.DateField(_("mulai ditahan"), null=True, blank=True)
    admission_date = models.DateField(_("tanggal masuk UPT"))
    status = models.CharField(_("status"), max_length=12, choices=PersonStatus.choices, default=PersonStatus.IN)
    block = models.CharField(_("blok"), max_length=20, blank=True)
    cell = models.CharField(_("kamar"), max_length=20, blank=True)

    class Meta:
        abstract = True


# The fields carried for a person in the daily package, in order (see central.package).
PERSON_PACKAGE_FIELDS: tuple[str, ...] = tuple(f.name for f in PersonRecord._meta.local_fields)
