from central.models.organisation import CentralOffice, Kanwil, Upt, UptClass, UptType

__all__ = ["CentralOffice", "Kanwil", "Upt", "UptClass", "UptType"]
