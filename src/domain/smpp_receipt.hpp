#pragma once
// The text of an SMPP delivery receipt (SMPP 3.4 Appendix B), which a supplier sends per part to
// report its fate: "id:... sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm
// stat:DELIVRD err:000 text:...". The simulated suppliers write it and the gateway reads it back,
// so both directions live here and round-trip. Dates are UTC, computed with std::chrono civil-date
// arithmetic: no locale, no TZ, no mktime, so the result is the same on every host.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smsim::domain {

/// SMPP stat: DELIVRD UNDELIV EXPIRED REJECTD UNKNOWN DELETED ACCEPTD ENROUTE.
enum class DeliveryStat { Delivered, Undeliverable, Expired, Rejected, Unknown, Deleted, Accepted, Enroute };

/// "DELIVRD", "UNDELIV", "EXPIRED", "REJECTD", "UNKNOWN", "DELETED", "ACCEPTD", "ENROUTE".
std::string_view to_smpp(DeliveryStat stat);

/// The inverse of to_smpp(), case-insensitive; anything else is nullopt.
std::optional<DeliveryStat> parse_smpp_stat(std::string_view text);

/// True for all but Accepted and Enroute: no further receipt will change the part's fate.
bool is_final(DeliveryStat stat);

struct DeliveryReceipt {
  std::string supplier_message_id;  // "id:" (1 to 65 chars, no whitespace)
  int submitted = 1, delivered = 1;  // "sub:" "dlvrd:" (3 digits, 0..999)
  std::int64_t submit_date_ms = 0, done_date_ms = 0;  // epoch ms, UTC, years 2000-2099; text format
                                                      // YYMMDDhhmm, so a round trip truncates to the minute
  DeliveryStat stat = DeliveryStat::Delivered;
  int error_code = 0;  // "err:" 3 digits, 0..999
  std::string text;    // optional "text:" (first 20 chars of the message), may be empty
};

/// "id:<id> sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000
/// text:<text>" (" text:..." omitted when text is empty). The text is cut to its first 20 characters
/// (UTF-8 code points, never mid-character). Throws InvalidArgument naming the field when a value
/// cannot be written in this format (empty id, id longer than 65 or holding whitespace, a count or
/// err outside 0..999, a date outside 2000-2099).
std::string format_receipt(const DeliveryReceipt& receipt);

/// Parses the above. Fields come in that order; keys are case-insensitive; any run of whitespace may
/// separate fields (and "submit"/"done" from "date"), and may lead or trail; each value follows its
/// colon directly. sub, dlvrd and err take 1 to 3 digits; dates 10 digits YYMMDDhhmm (YY means 20YY),
/// or 12 (YYMMDDhhmmss) or 14 (YYYYMMDDhhmmss) as some SMSCs write them, checked as real calendar
/// dates in 2000-2099; seconds are checked and dropped (a receipt carries whole minutes). "text:" is optional and its value is everything after it, verbatim
/// (spaces included, any length). Throws InvalidArgument naming the field that is missing or malformed.
DeliveryReceipt parse_receipt(std::string_view text);

}  // namespace smsim::domain
