"""Documents: the files people open (the progress chart, spreadsheets, the official application form)."""
