// channel_protocol: not written yet
