"""Persistence formats: libolm's pickles (vodozemac's and olmpy's own follow)."""
