// client_helpers: not written yet
