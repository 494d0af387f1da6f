#pragma once
// Writes one JSON object straight into a string: the encoders' hot path. Building an nlohmann
// value (a std::map per object) and dumping it cost more than everything else a record does on its
// way through smsim (docs/benchmarks.md); this writes the same JSON with one buffer and no tree.
//
// Strings are written as given (they are UTF-8 already: generated text, or text that passed a JSON
// parser); quotes, backslashes and control characters are escaped. Non-finite doubles are written
// as null, like nlohmann does. Not thread-safe; one writer per record.
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <iterator>
#include <type_traits>

namespace smsim::records {

class JsonWriter {
 public:
  explicit JsonWriter(std::size_t reserve = 256) {
    out_.reserve(reserve);
    out_ += '{';
  }

  JsonWriter& field(std::string_view name, std::string_view value) {
    key(name);
    string(value);
    return *this;
  }
  JsonWriter& field(std::string_view name, const char* value) { return field(name, std::string_view(value)); }
  JsonWriter& field(std::string_view name, const std::string& value) { return field(name, std::string_view(value)); }
  JsonWriter& field(std::string_view name, bool value) {
    key(name);
    out_ += value ? "true" : "false";
    return *this;
  }
  template <typename Integer>
    requires(std::is_integral_v<Integer> && !std::is_same_v<Integer, bool>)
  JsonWriter& field(std::string_view name, Integer value) {
    key(name);
    fmt::format_to(std::back_inserter(out_), "{}", value);
    return *this;
  }
  JsonWriter& field(std::string_view name, double value) {
    key(name);
    number(value);
    return *this;
  }
  JsonWriter& null_field(std::string_view name) {
    key(name);
    out_ += "null";
    return *this;
  }
  /// A field holding JSON written by another writer or by raw(): the caller vouches for it.
  JsonWriter& raw_field(std::string_view name, std::string_view json) {
    key(name);
    out_ += json;
    return *this;
  }

  /// Closes the object and hands over the text (the writer is empty afterwards).
  std::string finish() {
    out_ += '}';
    return std::move(out_);
  }

  static void append_string(std::string& out, std::string_view value) {
    out += '"';
    std::size_t run = 0;  // start of the current run of characters that need no escape
    for (std::size_t i = 0; i < value.size(); ++i) {
      const char c = value[i];
      if (static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\') continue;
      out.append(value, run, i - run);
      run = i + 1;
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default: fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned char>(c));
      }
    }
    out.append(value, run, value.size() - run);
    out += '"';
  }
  static void append_number(std::string& out, double value) {
    if (!std::isfinite(value)) {
      out += "null";
    } else {
      fmt::format_to(std::back_inserter(out), "{}", value);  // shortest text that reads back the same
    }
  }

 private:
  void key(std::string_view name) {
    if (!first_) out_ += ',';
    first_ = false;
    string(name);
    out_ += ':';
  }
  void string(std::string_view value) { append_string(out_, value); }
  void number(double value) { append_number(out_, value); }

  std::string out_;
  bool first_ = true;
};

}  // namespace smsim::records
