"""Files for people to read or keep: spreadsheets, PDFs, charts. Data in, file out; no Qt."""
