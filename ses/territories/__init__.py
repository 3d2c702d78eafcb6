"""The territorial division of Poland (TERYT TERC): voivodeships, powiats, gminas."""
