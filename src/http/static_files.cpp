#include "http/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace smsim::http {

std::string content_type_for(const std::string& file_name) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript"}, {".css", "text/css"},
      {".json", "application/json"},         {".svg", "image/svg+xml"},  {".png", "image/png"},
      {".ico", "image/x-icon"},              {".txt", "text/plain; charset=utf-8"},
      {".woff2", "font/woff2"},              {".woff", "font/woff"},     {".map", "application/json"},
      {".webp", "image/webp"},               {".jpg", "image/jpeg"}};
  const auto ext = std::filesystem::path(file_name).extension().string();
  const auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

std::optional<Response> serve_static_file(const std::string& root, const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty() || path.front() != '/' || path.find('\0') != std::string::npos) return std::nullopt;
  for (const auto& part : fs::path(path)) {
    if (part == "..") return std::nullopt;
  }
  fs::path file = fs::path(root) / path.substr(1);
  std::error_code ec;
  if (fs::is_directory(file, ec)) file /= "index.html";
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  Response r;
  r.content_type = content_type_for(file.filename().string());
  r.body = std::move(content).str();
  return r;
}

}  // namespace smsim::http
