#pragma once
// Plain HTTP request and response values, independent of the server's library (Boost.Beast), so
// that route handlers and their tests never see Beast types. Pure data plus small helpers.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smsim::http {

struct Request {
  std::string method;  // upper case, as sent: "GET", "POST", ...
  std::string target;  // as sent: path and query, percent-encoded
  std::string path;    // percent-decoded, without the query
  std::multimap<std::string, std::string> query;               // percent-decoded
  std::vector<std::pair<std::string, std::string>> headers;    // as sent
  std::vector<std::string> params;  // the {...} segments of the matched route, in order
  std::string body;

  /// The first header of that name (case-insensitive), or "" when absent.
  std::string header(std::string_view name) const;
  bool has_query(const std::string& name) const { return query.count(name) > 0; }
  /// The first value of a query parameter, or "" when absent.
  std::string query_value(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // beside Content-Type/Length
  bool close = false;  // close the connection after this response

  void set_header(std::string name, std::string value);
  /// The JSON error body every smsim endpoint uses: {"error": message, "field": field or null}.
  static Response error(int status, std::string_view message, std::string_view field = {});
};

/// Percent-decoding ("%20" and, when `plus_is_space`, "+" become spaces); bad escapes stay as sent.
std::string percent_decode(std::string_view text, bool plus_is_space);
/// Splits "a=1&b=x%20y" into decoded pairs.
std::multimap<std::string, std::string> parse_query(std::string_view query);

}  // namespace smsim::http
