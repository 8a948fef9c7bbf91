// placeholder until the room's sources land
