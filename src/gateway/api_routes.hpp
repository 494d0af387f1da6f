#pragma once
// The gateway's HTTP API as routes of the generic server (src/http): thin handlers that validate,
// call the pipeline's parts and render with the views (monitor_view, health, message_state_view).
// Until the pipeline has started, every endpoint but /healthz, /readyz and /api/config answers
// 503 "starting".
#include "gateway/pipeline.hpp"
#include "http/router.hpp"

namespace smsim::gateway {

http::Router make_api_router(Pipeline& pipeline);

/// CORS: the allowed origin is echoed (with Vary: Origin) on every response; others get nothing.
void add_cors_headers(const std::vector<std::string>& allowed_origins, const http::Request& request,
                      http::Response& response);

}  // namespace smsim::gateway
