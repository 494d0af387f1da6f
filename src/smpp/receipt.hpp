#pragma once
// Delivery receipts as deliver_sm PDUs (SMPP 3.4 Appendix B and 5.3.2): esm_class 0x04, the
// conventional text (domain/smpp_receipt) in short_message, and the receipted_message_id and
// message_state TLVs, which some clients read instead of the text. Pure.
#include <cstdint>
#include <optional>
#include <string>

#include "domain/smpp_receipt.hpp"
#include "smpp/pdu.hpp"

namespace smsim::smpp {

/// message_state values (SMPP 3.4 5.2.28).
std::uint8_t message_state_of(domain::DeliveryStat stat);
std::optional<domain::DeliveryStat> stat_of_message_state(std::uint8_t state);

/// The deliver_sm carrying `receipt` for a message sent from `source` to `destination` (the
/// receipt goes back the other way: its source_addr is the original destination). The text goes
/// as GSM 03.38 (data_coding 0); characters GSM-7 lacks in the receipt's "text:" become '?'.
ShortMessage make_receipt(const domain::DeliveryReceipt& receipt, const std::string& source,
                          const std::string& destination);

/// What a client needs from a receipt.
struct ReceivedReceipt {
  std::string supplier_message_id;
  domain::DeliveryStat stat = domain::DeliveryStat::Unknown;
  std::string text;       // receipt text as it reads, parsed or re-written from the TLVs
  bool text_parsed = false;  // the short_message text parsed as a receipt
};

/// True if the deliver_sm is a delivery receipt (esm_class message type 0x04 or 0x08 (intermediate)).
bool is_receipt(const ShortMessage& sm);

/// The supplier id and state of a receipt: the TLVs where present (they win), the text otherwise.
/// An id must be 1 to 65 printable ASCII characters; one that is not is ignored.
/// When the text does not parse but the TLVs are there, `text` is written from them (dates: `now_ms`).
/// nullopt when neither gives an id and a state: garbage, to be refused with ESME_RX_P_APPN.
std::optional<ReceivedReceipt> read_receipt(const ShortMessage& sm, std::int64_t now_ms);

}  // namespace smsim::smpp
