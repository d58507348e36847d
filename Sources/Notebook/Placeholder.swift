// Notebook: placeholder until the first real file lands.
