// websocket_frame: not written yet
