"""The register of organisations: PES, reintegration units, OWES and other actors."""
