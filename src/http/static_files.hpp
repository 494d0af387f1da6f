#pragma once
// Files of one folder served read-only at / (the exported monitor). Pure apart from reading files.
#include <optional>
#include <string>

#include "http/message.hpp"

namespace smsim::http {

/// The file for a decoded request path under `root`: "/" and folders give their index.html.
/// nullopt when there is no such regular file, or the path tries to leave `root` ("..").
std::optional<Response> serve_static_file(const std::string& root, const std::string& path);

/// Content type from a file name's extension (application/octet-stream when unknown).
std::string content_type_for(const std::string& file_name);

}  // namespace smsim::http
