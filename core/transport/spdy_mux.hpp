// The public MuxConnection over a SpdySession: what Client::open_multiplexed hands to ops.
// Internal to liborka.
#pragma once

#include <memory>
#include <string>

#include "orka/multiplex.hpp"
#include "transport/spdy_session.hpp"

namespace orka::core {

std::unique_ptr<MuxConnection> make_spdy_mux_connection(std::unique_ptr<SpdySession> session,
                                                        std::string protocol, MuxFraming framing);

}  // namespace orka::core
