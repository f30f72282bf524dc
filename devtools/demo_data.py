"""A realistic set of UPTs for the demo: every Kanwil has units, and Nusakambangan's Lapas sit together
under Kanwil Jawa Tengah. Names and classes follow Ditjenpas's; capacities are plausible, not official."""

from central.models import UptType

# (code, name, type, class, kanwil code, city, capacity)
DEMO_UPTS: list[tuple[str, str, str, str, str, str, int]] = [
    # Jawa Tengah — Nusakambangan island and neighbours
    ("LP3301", "Lapas Kelas IIA Karanganyar Nusakambangan", UptType.LAPAS, "IIA", "33", "Cilacap", 500),
    ("LP3302", "Lapas Kelas I Batu Nusakambangan", UptType.LAPAS, "I", "33", "Cilacap", 428),
    ("LP3303", "Lapas Kelas IIA Besi Nusakambangan", UptType.LAPAS, "IIA", "33", "Cilacap", 300),
    ("LP3304", "Lapas Kelas IIA Kembang Kuning Nusakambangan", UptType.LAPAS, "IIA", "33", "Cilacap", 450),
    ("LP3305", "Lapas Kelas IIA Permisan Nusakambangan", UptType.LAPAS, "IIA", "33", "Cilacap", 520),
    ("LP3306", "Lapas Kelas IIA Pasir Putih Nusakambangan", UptType.LAPAS, "IIA", "33", "Cilacap", 256),
    ("LP3307", "Lapas Kelas I Semarang", UptType.LAPAS, "I", "33", "Semarang", 663),
    ("RT3301", "Rutan Kelas I Semarang", UptType.RUTAN, "I", "33", "Semarang", 450),
    ("RT3302", "Rutan Kelas IIB Cilacap", UptType.RUTAN, "IIB", "33", "Cilacap", 120),
    ("LW3301", "LPP Kelas IIA Semarang", UptType.LPP, "IIA", "33", "Semarang", 219),
    ("LA3301", "LPKA Kelas I Kutoarjo", UptType.LPKA, "I", "33", "Purworejo", 120),
    # DKI Jakarta
    ("LP3101", "Lapas Kelas I Cipinang", UptType.LAPAS, "I", "31", "Jakarta Timur", 1136),
    ("LP3102", "Lapas Narkotika Kelas IIA Jakarta", UptType.LAPAS, "IIA", "31", "Jakarta Timur", 1084),
    ("RT3101", "Rutan Kelas I Jakarta Pusat (Salemba)", UptType.RUTAN, "I", "31", "Jakarta Pusat", 1500),
    ("RT3102", "Rutan Kelas I Cipinang", UptType.RUTAN, "I", "31", "Jakarta Timur", 1136),
    ("LW3101", "LPP Kelas IIA Jakarta", UptType.LPP, "IIA", "31", "Jakarta Timur", 280),
    # Riau — the most crowded region
    ("LP1401", "Lapas Kelas IIA Pekanbaru", UptType.LAPAS, "IIA", "14", "Pekanbaru", 361),
    ("RT1401", "Rutan Kelas I Pekanbaru", UptType.RUTAN, "I", "14", "Pekanbaru", 361),
    ("LP1402", "Lapas Kelas IIA Bengkalis", UptType.LAPAS, "IIA", "14", "Bengkalis", 320),
    ("CR1401", "Cabang Rutan Bagansiapiapi", UptType.CABANG_RUTAN, "", "14", "Rokan Hilir", 90),
    # Elsewhere
    ("LP3201", "Lapas Kelas I Sukamiskin", UptType.LAPAS, "I", "32", "Bandung", 552),
    ("LP3202", "Lapas Kelas IIA Cibinong", UptType.LAPAS, "IIA", "32", "Bogor", 900),
    ("LP3501", "Lapas Kelas I Surabaya", UptType.LAPAS, "I", "35", "Sidoarjo", 1050),
    ("LP1201", "Lapas Kelas I Medan", UptType.LAPAS, "I", "12", "Medan", 1054),
    ("LP5101", "Lapas Kelas IIA Kerobokan", UptType.LAPAS, "IIA", "51", "Badung", 323),
    ("LP6401", "Lapas Kelas IIA Samarinda", UptType.LAPAS, "IIA", "64", "Samarinda", 550),
    ("LP6101", "Lapas Kelas IIA Pontianak", UptType.LAPAS, "IIA", "61", "Kubu Raya", 450),
    ("LP7301", "Lapas Kelas I Makassar", UptType.LAPAS, "I", "73", "Makassar", 1000),
    ("LP1101", "Lapas Kelas IIA Banda Aceh", UptType.LAPAS, "IIA", "11", "Aceh Besar", 500),
    ("LP9101", "Lapas Kelas IIA Jayapura", UptType.LAPAS, "IIA", "91", "Jayapura", 300),
]

# (username, first name, last name, role, unit code — UPT for operators, Kanwil for monitors)
DEMO_USERS: list[tuple[str, str, str, str, str | None]] = [
    ("op.karanganyar", "Siti", "Rahayu", "operator", "LP3301"),
    ("op.batu", "Bambang", "Wijaya", "operator", "LP3302"),
    ("op.cipinang", "Dewi", "Lestari", "operator", "LP3101"),
    ("op.pekanbaru", "Rudi", "Hartono", "operator", "LP1401"),
    ("kanwil.jateng", "Agus", "Santoso", "kanwil", "33"),
    ("kanwil.dki", "Maya", "Sari", "kanwil", "31"),
    ("pusat", "Hendra", "Gunawan", "central", None),
]
