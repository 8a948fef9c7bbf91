// portforward_protocol: not written yet
