#include "smpp/receipt.hpp"

#include "common/error.hpp"
#include "domain/segmentation.hpp"
#include "smpp/message.hpp"
#include "smpp/text.hpp"

namespace smsim::smpp {

std::uint8_t message_state_of(domain::DeliveryStat stat) {
  using domain::DeliveryStat;
  switch (stat) {
    case DeliveryStat::Enroute: return 1;
    case DeliveryStat::Delivered: return 2;
    case DeliveryStat::Expired: return 3;
    case DeliveryStat::Deleted: return 4;
    case DeliveryStat::Undeliverable: return 5;
    case DeliveryStat::Accepted: return 6;
    case DeliveryStat::Unknown: return 7;
    case DeliveryStat::Rejected: return 8;
  }
  return 7;
}

std::optional<domain::DeliveryStat> stat_of_message_state(std::uint8_t state) {
  using domain::DeliveryStat;
  switch (state) {
    case 1: return DeliveryStat::Enroute;
    case 2: return DeliveryStat::Delivered;
    case 3: return DeliveryStat::Expired;
    case 4: return DeliveryStat::Deleted;
    case 5: return DeliveryStat::Undeliverable;
    case 6: return DeliveryStat::Accepted;
    case 7: return DeliveryStat::Unknown;
    case 8: return DeliveryStat::Rejected;
    default: return std::nullopt;
  }
}

ShortMessage make_receipt(const domain::DeliveryReceipt& receipt, const std::string& source,
                          const std::string& destination) {
  domain::DeliveryReceipt r = receipt;
  auto text = domain::decode_utf8(r.text);
  for (auto& cp : text) {
    if (domain::gsm7_septets(cp) == 0) cp = U'?';
  }
  r.text = domain::encode_utf8(text);
  ShortMessage sm;
  sm.source_addr = destination;
  sm.destination_addr = source;
  sm.esm_class = kEsmDeliveryReceipt;
  sm.data_coding = kDataCodingDefault;
  sm.short_message = encode_gsm7(domain::decode_utf8(domain::format_receipt(r))).value_or(std::string());
  std::string id = r.supplier_message_id;
  id.push_back('\0');
  sm.tlvs.push_back({tlv::kReceiptedMessageId, std::move(id)});
  sm.tlvs.push_back({tlv::kMessageState, std::string(1, static_cast<char>(message_state_of(r.stat)))});
  if (r.stat != domain::DeliveryStat::Delivered) {
    // network_error_code: type 3 (GSM), then the error as two octets.
    sm.tlvs.push_back({tlv::kNetworkErrorCode, std::string{3, static_cast<char>((r.error_code >> 8) & 0xFF),
                                                           static_cast<char>(r.error_code & 0xFF)}});
  }
  return sm;
}

namespace {
// A message id as SMSCs write it: printable ASCII (a C-Octet String of digits or hex, mostly).
// Anything else is not trusted as an id: it would travel on into JSON records and receipt text.
bool printable_id(std::string_view id) {
  if (id.empty() || id.size() > 65) return false;
  for (const char c : id) {
    if (c <= 0x20 || c >= 0x7F) return false;
  }
  return true;
}
// The receipt the text says, if it parses and names a trustworthy id; `text` gets the text read.
std::optional<domain::DeliveryReceipt> parse_text(const ShortMessage& sm, std::string& text) {
  try {
    text = read_text(sm).text;
    auto receipt = domain::parse_receipt(text);
    if (!printable_id(receipt.supplier_message_id)) return std::nullopt;
    return receipt;
  } catch (const PduError&) {
    return std::nullopt;
  } catch (const InvalidArgument&) {
    return std::nullopt;
  }
}
}  // namespace

bool is_receipt(const ShortMessage& sm) {
  const auto type = sm.esm_class & kEsmMessageTypeMask;
  return type == kEsmDeliveryReceipt || type == 0x20;  // 0x20: intermediate delivery notification
}

std::optional<ReceivedReceipt> read_receipt(const ShortMessage& sm, std::int64_t now_ms) {
  ReceivedReceipt out;
  std::optional<domain::DeliveryReceipt> parsed = parse_text(sm, out.text);
  if (parsed) {
    out.text_parsed = true;
    out.supplier_message_id = parsed->supplier_message_id;
    out.stat = parsed->stat;
  }
  if (const auto* id = find_tlv(sm.tlvs, tlv::kReceiptedMessageId)) {
    std::string value = id->value;
    if (const auto nul = value.find('\0'); nul != std::string::npos) value.resize(nul);
    if (printable_id(value)) out.supplier_message_id = value;
  }
  bool state_known = parsed.has_value();
  if (const auto* state = find_tlv(sm.tlvs, tlv::kMessageState)) {
    if (const auto stat = stat_of_message_state(static_cast<std::uint8_t>(state->value[0]))) {
      out.stat = *stat;
      state_known = true;
    }
  }
  if (out.supplier_message_id.empty() || !state_known) return std::nullopt;
  if (!out.text_parsed || (parsed && (parsed->supplier_message_id != out.supplier_message_id || parsed->stat != out.stat))) {
    // Write the text from what the TLVs say, so the receipt on Kafka reads the same for everyone.
    domain::DeliveryReceipt r;
    if (parsed) r = *parsed;
    r.supplier_message_id = out.supplier_message_id;
    r.stat = out.stat;
    if (!parsed) {
      r.submit_date_ms = r.done_date_ms = now_ms;
      r.delivered = out.stat == domain::DeliveryStat::Delivered ? 1 : 0;
    }
    try {
      out.text = domain::format_receipt(r);
    } catch (const InvalidArgument&) {
      return std::nullopt;  // an id no receipt can carry (too long, whitespace)
    }
  }
  return out;
}

}  // namespace smsim::smpp
