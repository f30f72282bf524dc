"""The public figures the national dataset reproduces (DESIGN §1), and the plausible shares around them.

Figures marked *Ditjenpas* are the published ones; the rest (shares of registers, crimes, sentence
lengths, how long people stay, religions by province) are plausible assumptions of this generator,
written down here so that they can be checked and changed in one place.
"""

from __future__ import annotations

from datetime import date

from central.models import UptType
from central.reference import CrimeCategory, Register, ReleaseReason, Religion

# --- National totals (Ditjenpas, 30 November 2025) ---------------------------------------------------
NATIONAL_UPTS = 531
NATIONAL_OCCUPANTS = 275_633
NATIONAL_CAPACITY = 146_260
DEFAULT_PEOPLE = 276_000  # occupants of the generated country (May 2025: 276,885)
LIFE_SENTENCES = 2_338
DEATH_SENTENCES = 605
# Occupants and capacity by type, 30 November 2025 (Cabang Rutan are counted with Rutan).
TYPE_FIGURES: dict[str, tuple[int, int]] = {
    UptType.LAPAS: (189_580, 98_805),
    UptType.RUTAN: (75_548, 37_292),
    UptType.LPKA: (4_098, 2_329),
    UptType.LPP: (8_174, 6_065),
}
# How many units of each type (an assumption that matches the capacities: ~340 places per Lapas,
# ~280 per Rutan, ~70 per Cabang Rutan and LPKA, ~190 per LPP).
TYPE_UNITS: dict[str, int] = {
    UptType.LAPAS: 290,
    UptType.RUTAN: 126,
    UptType.CABANG_RUTAN: 50,
    UptType.LPKA: 33,
    UptType.LPP: 32,
}
# Relative size of a unit of each type, inside the type's capacity (Cabang Rutan share Rutan's figure).
TYPE_UNIT_SIZE: dict[str, float] = {
    UptType.LAPAS: 1.0,
    UptType.RUTAN: 1.0,
    UptType.CABANG_RUTAN: 0.28,
    UptType.LPKA: 1.0,
    UptType.LPP: 1.0,
}
TYPE_CODE = {
    UptType.LAPAS: "LP",
    UptType.RUTAN: "RT",
    UptType.CABANG_RUTAN: "CR",
    UptType.LPKA: "LA",
    UptType.LPP: "LW",
}
TYPE_NAME = {
    UptType.LAPAS: "Lapas",
    UptType.RUTAN: "Rutan",
    UptType.CABANG_RUTAN: "Cabang Rutan",
    UptType.LPKA: "LPKA",
    UptType.LPP: "LPP",
}

# --- Kanwil: number of UPTs and overcrowding --------------------------------------------------------
# Overcrowding = (penghuni − kapasitas) / kapasitas. Ditjenpas, May 2025: Riau 245 %, Kalimantan Timur
# 189 %, Kalimantan Barat 176 % — the three most crowded. The others are plausible and are scaled
# together so that the country adds up to the requested number of occupants.
KANWIL_PROFILE: dict[str, tuple[int, float]] = {
    # code: (UPTs, overcrowding %)
    "11": (21, 62), "12": (37, 150), "13": (20, 75), "14": (19, 245), "15": (11, 110),
    "16": (22, 125), "17": (8, 70), "18": (17, 115), "19": (8, 85), "21": (13, 95),
    "31": (13, 140), "32": (35, 95), "33": (42, 45), "34": (6, 5), "35": (37, 120),
    "36": (11, 120), "51": (9, 80), "52": (10, 100), "53": (18, 15), "61": (16, 176),
    "62": (13, 110), "63": (13, 150), "64": (20, 189), "71": (10, 30), "72": (12, 55),
    "73": (24, 60), "74": (12, 45), "75": (5, 40), "76": (4, 30), "81": (11, -5),
    "82": (8, 10), "91": (16, -20), "92": (10, 0),
}  # fmt: skip
FIXED_OVERCROWDING = frozenset({"14", "64", "61"})  # kept as published; the others are scaled
# Kanwil without an LPP of their own (women are held in Rutan and Lapas blocks there).
KANWIL_WITHOUT_LPP = frozenset({"76"})

# Crowding of a unit relative to its Kanwil, by type (Ditjenpas by-type occupancy: Rutan 203 %,
# Lapas 192 %, LPKA 176 %, LPP 135 %).
TYPE_CROWDING = {
    UptType.LAPAS: 1.0,
    UptType.RUTAN: 1.06,
    UptType.CABANG_RUTAN: 1.06,
    UptType.LPKA: 0.92,
    UptType.LPP: 0.70,
}

# --- People ------------------------------------------------------------------------------------------
# Share of detainees (tahanan) among a unit's occupants, by type: about 20 % nationally.
DETAINEE_SHARE = {
    UptType.LAPAS: 0.07,
    UptType.RUTAN: 0.55,
    UptType.CABANG_RUTAN: 0.60,
    UptType.LPKA: 0.30,
    UptType.LPP: 0.10,
}
# Women outside LPP (women's blocks of Rutan and Lapas): with the LPP this makes about 5 % nationally.
FEMALE_SHARE_OUTSIDE_LPP = 0.021
FEMALE_SHARE_LPKA = 0.03

DETAINEE_REGISTERS_SHARE = {
    Register.A_I: 0.12,
    Register.A_II: 0.22,
    Register.A_III: 0.42,
    Register.A_IV: 0.14,
    Register.A_V: 0.10,
}
# Among sentenced people with a term (life and death sentences are drawn separately).
TERM_REGISTERS_SHARE = {Register.B_I: 0.91, Register.B_IIA: 0.055, Register.B_IIB: 0.015, Register.B_III: 0.02}
# Days a detainee stays under each authority before the next (KUHAP limits are the upper bound).
DETAINEE_PHASE_DAYS = {
    Register.A_I: (15, 55),
    Register.A_II: (10, 45),
    Register.A_III: (25, 85),
    Register.A_IV: (20, 80),
    Register.A_V: (30, 100),
}
DETAINEE_ORDER = [Register.A_I, Register.A_II, Register.A_III, Register.A_IV, Register.A_V]

# Crime categories: narkotika 52 % of occupants (Ditjenpas, May 2025); the rest plausible.
CRIME_SHARE = {
    CrimeCategory.NARKOTIKA_BANDAR: 0.335,
    CrimeCategory.NARKOTIKA_PENGGUNA: 0.185,
    CrimeCategory.KORUPSI: 0.020,
    CrimeCategory.TERORISME: 0.002,
    CrimeCategory.TPPO: 0.003,
    CrimeCategory.ILLEGAL_LOGGING: 0.002,
    CrimeCategory.PENCUCIAN_UANG: 0.001,
    CrimeCategory.PIDANA_UMUM: 0.452,
}
# Children (LPKA) are rarely held for narcotics dealing; women more often for narcotics.
CRIME_SHARE_LPKA = {CrimeCategory.NARKOTIKA_BANDAR: 0.06, CrimeCategory.NARKOTIKA_PENGGUNA: 0.10,
                    CrimeCategory.PIDANA_UMUM: 0.84}  # fmt: skip
CRIME_SHARE_WOMEN = {CrimeCategory.NARKOTIKA_BANDAR: 0.42, CrimeCategory.NARKOTIKA_PENGGUNA: 0.20,
                     CrimeCategory.KORUPSI: 0.04, CrimeCategory.TPPO: 0.02, CrimeCategory.PENCUCIAN_UANG: 0.003,
                     CrimeCategory.PIDANA_UMUM: 0.317}  # fmt: skip
LIFE_DEATH_CRIMES = {CrimeCategory.NARKOTIKA_BANDAR: 0.68, CrimeCategory.PIDANA_UMUM: 0.27,
                     CrimeCategory.TERORISME: 0.05}  # fmt: skip

# B.I sentence lengths of people held now (longer terms are over-represented among those inside):
# (years, weight) per category. Months are added at random.
B_I_YEARS: dict[str, list[tuple[int, int]]] = {
    CrimeCategory.NARKOTIKA_BANDAR: [(4, 8), (5, 18), (6, 20), (7, 13), (8, 12), (9, 7), (10, 9), (12, 6),
                                     (15, 4), (18, 2), (20, 1)],
    CrimeCategory.NARKOTIKA_PENGGUNA: [(1, 30), (2, 35), (3, 22), (4, 13)],
    CrimeCategory.KORUPSI: [(1, 20), (2, 18), (3, 15), (4, 16), (5, 10), (6, 8), (8, 7), (10, 4), (12, 2)],
    CrimeCategory.TERORISME: [(3, 20), (4, 22), (5, 18), (6, 14), (8, 12), (10, 8), (15, 6)],
    CrimeCategory.TPPO: [(3, 25), (4, 25), (5, 20), (6, 15), (8, 10), (10, 5)],
    CrimeCategory.ILLEGAL_LOGGING: [(1, 35), (2, 30), (3, 20), (5, 15)],
    CrimeCategory.PENCUCIAN_UANG: [(3, 20), (5, 25), (6, 20), (8, 15), (10, 12), (12, 8)],
    CrimeCategory.PIDANA_UMUM: [(1, 30), (2, 22), (3, 13), (4, 9), (5, 7), (6, 5), (7, 4), (8, 3), (10, 3),
                                (12, 2), (15, 1), (20, 1)],
}  # fmt: skip
# Fines (Rp) and substitute imprisonment (subsider, months) for categories whose laws impose a fine.
FINES: dict[str, tuple[int, int, int, int, float]] = {
    # category: (min fine, max fine, step, max subsider months, share who pay)
    CrimeCategory.NARKOTIKA_BANDAR: (800_000_000, 10_000_000_000, 100_000_000, 6, 0.03),
    CrimeCategory.NARKOTIKA_PENGGUNA: (0, 0, 1, 0, 0.0),
    CrimeCategory.KORUPSI: (50_000_000, 1_000_000_000, 50_000_000, 6, 0.40),
    CrimeCategory.TPPO: (120_000_000, 600_000_000, 20_000_000, 6, 0.10),
    CrimeCategory.ILLEGAL_LOGGING: (500_000_000, 2_500_000_000, 100_000_000, 6, 0.10),
    CrimeCategory.PENCUCIAN_UANG: (1_000_000_000, 5_000_000_000, 500_000_000, 6, 0.30),
}
ARTICLES: dict[str, list[str]] = {
    CrimeCategory.NARKOTIKA_BANDAR: ["Pasal 114 ayat (1) UU 35/2009", "Pasal 112 ayat (1) UU 35/2009",
                                     "Pasal 114 ayat (2) UU 35/2009", "Pasal 111 ayat (1) UU 35/2009"],
    CrimeCategory.NARKOTIKA_PENGGUNA: ["Pasal 127 ayat (1) huruf a UU 35/2009"],
    CrimeCategory.KORUPSI: ["Pasal 2 ayat (1) UU 31/1999 jo. UU 20/2001", "Pasal 3 UU 31/1999 jo. UU 20/2001",
                            "Pasal 12 huruf a UU 31/1999 jo. UU 20/2001"],
    CrimeCategory.TERORISME: ["Pasal 15 jo. Pasal 7 UU 5/2018", "Pasal 13 huruf c UU 5/2018"],
    CrimeCategory.TPPO: ["Pasal 2 ayat (1) UU 21/2007", "Pasal 4 UU 21/2007"],
    CrimeCategory.ILLEGAL_LOGGING: ["Pasal 82 ayat (1) UU 18/2013", "Pasal 83 ayat (1) UU 18/2013"],
    CrimeCategory.PENCUCIAN_UANG: ["Pasal 3 UU 8/2010", "Pasal 4 UU 8/2010"],
    CrimeCategory.PIDANA_UMUM: ["Pasal 362 KUHP", "Pasal 363 KUHP", "Pasal 365 KUHP", "Pasal 378 KUHP",
                                "Pasal 372 KUHP", "Pasal 351 KUHP", "Pasal 338 KUHP", "Pasal 340 KUHP",
                                "Pasal 285 KUHP", "Pasal 81 UU 35/2014", "Pasal 480 KUHP", "Pasal 170 KUHP"],
}  # fmt: skip
SPECIAL_CRIME_CASE = {CrimeCategory.PIDANA_UMUM: "Pid.B"}  # every other category is tried as Pid.Sus

# How people leave a unit (records closed in the last CLOSED_WINDOW_DAYS stay in the working register).
CLOSED_WINDOW_DAYS = 60
# Average stay in days, by type: sets how many records were closed in the window.
AVERAGE_STAY_DAYS = {
    UptType.LAPAS: 700,
    UptType.RUTAN: 160,
    UptType.CABANG_RUTAN: 150,
    UptType.LPKA: 330,
    UptType.LPP: 600,
}
SENTENCED_RELEASE_REASONS = {
    ReleaseReason.BEBAS_MURNI: 0.40,
    ReleaseReason.PEMBEBASAN_BERSYARAT: 0.35,
    ReleaseReason.CUTI_BERSYARAT: 0.10,
    ReleaseReason.CUTI_MENJELANG_BEBAS: 0.10,
    ReleaseReason.ASIMILASI: 0.05,
}
# Of the records closed in the window that were not closed by a transfer: deaths and escapes.
DEATH_SHARE = 0.012
ESCAPE_SHARE = 0.002
# Share of a Lapas's sentenced people who came from another Lapas (Nusakambangan takes high-risk ones).
LAPAS_TRANSFER_SHARE = 0.04
LAPAS_TRANSFER_OTHER_KANWIL = 0.4
# Share of a Lapas/LPP/LPKA's sentenced people who came from a Rutan after the verdict (the rest were
# held there from the start, where the region has too few Rutan).
FROM_RUTAN_SHARE = 0.78
TEMPORARILY_OUT_SHARE = 0.003  # at a hearing or in hospital today
FOREIGN_SHARE = 0.005
NO_NIK_SHARE = 0.03
NIK_TYPO_SHARE = 0.002
VERDICT_MISSING_SHARE = 0.004

# --- Remissions ----------------------------------------------------------------------------------------
# Remisi umum on 17 August and remisi khusus on each religion's holiday, in days, by the year of
# sentence in which it is granted (PP 99/2012 and Keppres 174/1999: RU 1, 2, 3, 3, 4, 5 months;
# RK 15 days, 1, 1, 1.5, 1.5, 2 months).
REMISSION_UMUM_DAYS = [30, 60, 90, 90, 120, 150]
REMISSION_KHUSUS_DAYS = [15, 30, 30, 45, 45, 60]
REMISSION_MIN_SERVED_MONTHS = 6
# Holidays for remisi khusus (the day each is granted), by religion.
HOLIDAYS: dict[str, list[date]] = {
    Religion.ISLAM: [date(2015, 7, 17), date(2016, 7, 6), date(2017, 6, 25), date(2018, 6, 15), date(2019, 6, 5),
                     date(2020, 5, 24), date(2021, 5, 13), date(2022, 5, 2), date(2023, 4, 22), date(2024, 4, 10),
                     date(2025, 3, 31), date(2026, 3, 20), date(2027, 3, 10)],
    Religion.KRISTEN: [date(y, 12, 25) for y in range(2015, 2027)],
    Religion.KATOLIK: [date(y, 12, 25) for y in range(2015, 2027)],
    Religion.HINDU: [date(2015, 3, 21), date(2016, 3, 9), date(2017, 3, 28), date(2018, 3, 17), date(2019, 3, 7),
                     date(2020, 3, 25), date(2021, 3, 14), date(2022, 3, 3), date(2023, 3, 22), date(2024, 3, 11),
                     date(2025, 3, 29), date(2026, 3, 19), date(2027, 3, 8)],
    Religion.BUDDHA: [date(2015, 6, 2), date(2016, 5, 22), date(2017, 5, 11), date(2018, 5, 29), date(2019, 5, 19),
                      date(2020, 5, 7), date(2021, 5, 26), date(2022, 5, 16), date(2023, 6, 4), date(2024, 5, 23),
                      date(2025, 5, 12), date(2026, 5, 31), date(2027, 5, 20)],
    Religion.KHONGHUCU: [date(2015, 2, 19), date(2016, 2, 8), date(2017, 1, 28), date(2018, 2, 16),
                         date(2019, 2, 5), date(2020, 1, 25), date(2021, 2, 12), date(2022, 2, 1), date(2023, 1, 22),
                         date(2024, 2, 10), date(2025, 1, 29), date(2026, 2, 17), date(2027, 2, 6)],
}  # fmt: skip
# Categories whose people PP 99/2012 makes wait for remissions (justice collaborators aside): fewer get them.
STRICT_REMISSION = {CrimeCategory.TERORISME: 0.3, CrimeCategory.KORUPSI: 0.6, CrimeCategory.NARKOTIKA_BANDAR: 0.7}

# --- Population trend (for the history of daily snapshots) --------------------------------------------
# Occupants relative to the last day, by days before it: 265,346 in June 2024, 276,885 in May 2025,
# 275,633 in November 2025 (Ditjenpas). A dip follows each 17 August (remissions that free people).
TREND_POINTS = [(730, 0.955), (540, 0.962), (180, 1.004), (0, 1.0)]
AUGUST_DIP = 0.012
AUGUST_RECOVERY_DAYS = 45

# --- Identity details ----------------------------------------------------------------------------------
RELIGION_DEFAULT = {Religion.ISLAM: 0.88, Religion.KRISTEN: 0.06, Religion.KATOLIK: 0.03, Religion.HINDU: 0.012,
                    Religion.BUDDHA: 0.012, Religion.KHONGHUCU: 0.002, Religion.LAINNYA: 0.004}  # fmt: skip
RELIGION_BY_KANWIL = {
    "12": {Religion.ISLAM: 0.64, Religion.KRISTEN: 0.27, Religion.KATOLIK: 0.06, Religion.BUDDHA: 0.03},
    "21": {Religion.ISLAM: 0.80, Religion.KRISTEN: 0.07, Religion.BUDDHA: 0.10, Religion.KATOLIK: 0.03},
    "51": {Religion.HINDU: 0.80, Religion.ISLAM: 0.15, Religion.KRISTEN: 0.03, Religion.KATOLIK: 0.02},
    "53": {Religion.KATOLIK: 0.53, Religion.KRISTEN: 0.36, Religion.ISLAM: 0.10, Religion.LAINNYA: 0.01},
    "61": {Religion.ISLAM: 0.60, Religion.KATOLIK: 0.20, Religion.KRISTEN: 0.12, Religion.BUDDHA: 0.06,
           Religion.KHONGHUCU: 0.02},
    "62": {Religion.ISLAM: 0.74, Religion.KRISTEN: 0.18, Religion.HINDU: 0.05, Religion.KATOLIK: 0.03},
    "71": {Religion.KRISTEN: 0.64, Religion.ISLAM: 0.31, Religion.KATOLIK: 0.05},
    "81": {Religion.ISLAM: 0.50, Religion.KRISTEN: 0.44, Religion.KATOLIK: 0.06},
    "91": {Religion.KRISTEN: 0.62, Religion.KATOLIK: 0.18, Religion.ISLAM: 0.20},
    "92": {Religion.KRISTEN: 0.52, Religion.ISLAM: 0.38, Religion.KATOLIK: 0.10},
}  # fmt: skip
EDUCATION_SHARE = {"TIDAK_SEKOLAH": 0.03, "SD": 0.30, "SMP": 0.28, "SMA": 0.32, "DIPLOMA": 0.02, "S1": 0.045,
                   "S2": 0.005}  # fmt: skip
EDUCATION_KORUPSI = {"SMA": 0.15, "DIPLOMA": 0.10, "S1": 0.50, "S2": 0.22, "S3": 0.03}
OCCUPATIONS = ["Wiraswasta", "Petani", "Buruh harian lepas", "Nelayan", "Pedagang", "Sopir", "Tidak bekerja",
               "Karyawan swasta", "Tukang ojek", "Buruh bangunan", "Montir", "Penambang"]  # fmt: skip
OCCUPATIONS_KORUPSI = ["Pegawai negeri sipil", "Kepala desa", "Anggota DPRD", "Karyawan BUMN", "Kontraktor",
                       "Bendahara", "Pejabat daerah"]  # fmt: skip
OCCUPATIONS_WOMEN = ["Ibu rumah tangga", "Pedagang", "Wiraswasta", "Karyawan swasta", "Tidak bekerja",
                     "Buruh pabrik"]  # fmt: skip
NATIONALITIES = ["Malaysia", "Nigeria", "Tiongkok", "Taiwan", "Iran", "Thailand", "Filipina", "Australia",
                 "Pakistan", "India", "Vietnam", "Timor Leste", "Papua Nugini", "Belanda"]  # fmt: skip

# Regencies and cities of each province, for unit names, birth places, courts and addresses.
CITIES: dict[str, list[str]] = {
    "11": ["Banda Aceh", "Lhokseumawe", "Langsa", "Sabang", "Meulaboh", "Takengon", "Sigli", "Bireuen",
           "Lhoksukon", "Kutacane", "Tapaktuan", "Singkil", "Calang", "Blangkejeren", "Idi"],
    "12": ["Medan", "Binjai", "Pematangsiantar", "Tebing Tinggi", "Tanjung Balai", "Sibolga", "Padangsidimpuan",
           "Kabanjahe", "Rantau Prapat", "Kisaran", "Lubuk Pakam", "Tarutung", "Gunung Sitoli", "Labuhan Ruku",
           "Balige", "Pangkalan Brandan", "Stabat", "Panyabungan", "Sidikalang", "Tanjung Gusta"],
    "13": ["Padang", "Bukittinggi", "Payakumbuh", "Solok", "Sawahlunto", "Pariaman", "Padang Panjang",
           "Lubuk Basung", "Batusangkar", "Muaro Sijunjung", "Painan", "Lubuk Sikaping"],
    "14": ["Pekanbaru", "Dumai", "Bengkalis", "Selatpanjang", "Bangkinang", "Rengat", "Tembilahan",
           "Pangkalan Kerinci", "Siak Sri Indrapura", "Pasir Pengaraian", "Bagansiapiapi", "Teluk Kuantan"],
    "15": ["Jambi", "Muara Bungo", "Sungai Penuh", "Kuala Tungkal", "Muara Bulian", "Sarolangun", "Bangko",
           "Muara Sabak", "Muara Tebo"],
    "16": ["Palembang", "Lubuklinggau", "Prabumulih", "Pagar Alam", "Lahat", "Muara Enim", "Baturaja",
           "Kayu Agung", "Sekayu", "Tanjung Raja", "Muara Dua", "Martapura OKU Timur", "Tebing Tinggi Empat Lawang",
           "Pangkalan Balai"],
    "17": ["Bengkulu", "Curup", "Manna", "Argamakmur", "Mukomuko", "Kepahiang", "Tais"],
    "18": ["Bandar Lampung", "Metro", "Kotabumi", "Kalianda", "Gunung Sugih", "Menggala", "Blambangan Umpu",
           "Kota Agung", "Liwa", "Sukadana", "Pringsewu", "Gedong Tataan"],
    "19": ["Pangkalpinang", "Sungailiat", "Tanjung Pandan", "Muntok", "Toboali", "Koba", "Manggar"],
    "21": ["Batam", "Tanjung Pinang", "Tanjung Balai Karimun", "Ranai", "Dabo Singkep", "Tarempa", "Bintan"],
    "31": ["Jakarta Pusat", "Jakarta Timur", "Jakarta Selatan", "Jakarta Barat", "Jakarta Utara", "Salemba",
           "Cipinang", "Pondok Bambu"],
    "32": ["Bandung", "Bogor", "Bekasi", "Depok", "Cirebon", "Sukabumi", "Tasikmalaya", "Garut", "Karawang",
           "Purwakarta", "Subang", "Indramayu", "Kuningan", "Majalengka", "Sumedang", "Cianjur", "Ciamis",
           "Banjar", "Cibinong", "Cikarang", "Gunung Sindur", "Sukamiskin"],
    "33": ["Semarang", "Surakarta", "Magelang", "Pekalongan", "Tegal", "Salatiga", "Cilacap", "Banyumas",
           "Purwokerto", "Kudus", "Pati", "Jepara", "Rembang", "Blora", "Kendal", "Batang", "Pemalang", "Brebes",
           "Boyolali", "Klaten", "Sragen", "Wonogiri", "Karanganyar", "Purworejo", "Kebumen", "Wonosobo",
           "Temanggung", "Demak", "Purwodadi", "Banjarnegara", "Purbalingga", "Sukoharjo", "Ambarawa"],
    "34": ["Yogyakarta", "Sleman", "Wonosari", "Wates", "Bantul"],
    "35": ["Surabaya", "Malang", "Madiun", "Kediri", "Blitar", "Mojokerto", "Pasuruan", "Probolinggo", "Jember",
           "Banyuwangi", "Bondowoso", "Situbondo", "Lumajang", "Tulungagung", "Trenggalek", "Ponorogo", "Pacitan",
           "Ngawi", "Magetan", "Bojonegoro", "Tuban", "Lamongan", "Gresik", "Sidoarjo", "Jombang", "Nganjuk",
           "Pamekasan", "Sumenep", "Sampang", "Bangkalan", "Porong", "Batu"],
    "36": ["Serang", "Tangerang", "Cilegon", "Pandeglang", "Rangkasbitung", "Tangerang Selatan"],
    "51": ["Denpasar", "Kerobokan", "Singaraja", "Tabanan", "Gianyar", "Bangli", "Karangasem", "Negara",
           "Klungkung"],
    "52": ["Mataram", "Praya", "Selong", "Sumbawa Besar", "Dompu", "Bima", "Gerung"],
    "53": ["Kupang", "Atambua", "Kefamenanu", "Soe", "Waingapu", "Waikabubak", "Ende", "Maumere", "Larantuka",
           "Ruteng", "Labuan Bajo", "Bajawa", "Kalabahi", "Lewoleba", "Ba'a"],
    "61": ["Pontianak", "Singkawang", "Sambas", "Mempawah", "Sanggau", "Sintang", "Putussibau", "Ketapang",
           "Bengkayang", "Ngabang", "Sekadau", "Nanga Pinoh", "Sungai Raya"],
    "62": ["Palangka Raya", "Sampit", "Pangkalan Bun", "Kuala Kapuas", "Muara Teweh", "Buntok", "Kuala Kurun",
           "Tamiang Layang", "Kasongan", "Sukamara", "Nanga Bulik", "Pulang Pisau"],
    "63": ["Banjarmasin", "Banjarbaru", "Martapura", "Pelaihari", "Kotabaru", "Barabai", "Kandangan", "Rantau",
           "Amuntai", "Tanjung", "Batulicin", "Marabahan", "Paringin"],
    "64": ["Samarinda", "Balikpapan", "Bontang", "Tenggarong", "Tanah Grogot", "Penajam", "Sangatta",
           "Tanjung Redeb", "Tanjung Selor", "Tarakan", "Nunukan", "Malinau", "Sendawar"],
    "71": ["Manado", "Bitung", "Tomohon", "Kotamobagu", "Tondano", "Amurang", "Tahuna", "Melonguane",
           "Airmadidi"],
    "72": ["Palu", "Poso", "Luwuk", "Tolitoli", "Donggala", "Parigi", "Ampana", "Buol", "Kolonodale", "Banggai"],
    "73": ["Makassar", "Parepare", "Palopo", "Maros", "Pangkajene", "Barru", "Watampone", "Sinjai", "Bulukumba",
           "Bantaeng", "Jeneponto", "Takalar", "Sungguminasa", "Sengkang", "Watansoppeng", "Pinrang", "Enrekang",
           "Makale", "Masamba", "Benteng Selayar", "Sidenreng"],
    "74": ["Kendari", "Baubau", "Kolaka", "Raha", "Unaaha", "Andoolo", "Pasarwajo", "Wangi-Wangi", "Lasusua"],
    "75": ["Gorontalo", "Limboto", "Marisa", "Kwandang", "Tilamuta", "Suwawa"],
    "76": ["Mamuju", "Polewali", "Majene", "Pasangkayu", "Mamasa"],
    "81": ["Ambon", "Masohi", "Tual", "Saumlaki", "Namlea", "Piru", "Dobo", "Wahai"],
    "82": ["Ternate", "Tidore", "Tobelo", "Labuha", "Sanana", "Jailolo", "Weda"],
    "91": ["Jayapura", "Abepura", "Merauke", "Timika", "Biak", "Nabire", "Wamena", "Serui", "Sarmi",
           "Tanah Merah", "Enarotali"],
    "92": ["Manokwari", "Sorong", "Fakfak", "Kaimana", "Bintuni", "Waisai", "Teminabuan"],
}  # fmt: skip
# Provinces whose NIKs a Kanwil's people may carry besides its own code (Kalimantan Utara's people are
# served by Kalimantan Timur; the Papua provinces created in 2022).
NIK_PROVINCES = {"64": ["64", "64", "65"], "91": ["91", "91", "93", "94", "95"], "92": ["92", "92", "96"]}
