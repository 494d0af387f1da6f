#pragma once
// An independent count of what senders reported, read straight from the status topic: which
// message ids of a campaign have at least one status record, and how many records there were.
// The reliability scenarios compare it with the gateway's figures: lost = accepted − distinct;
// double-counted = the gateway's sent + failed − distinct.
#include <cstdint>
#include <string>

#include "kafka/client_config.hpp"

namespace smsim::test {

struct AuditResult {
  std::uint64_t distinct = 0;       // ids with at least one status record
  std::uint64_t records = 0;        // status records (duplicates included)
  std::uint64_t first_missing = 0;  // lowest index without a status (== count when none)
};

AuditResult audit_campaign(const kafka::ClientConfig& config, const std::string& status_topic,
                           const std::string& campaign_id, std::uint64_t count);

/// The delivery reports of a campaign on the delivery-reports topic: distinct (message, part)
/// pairs and records (duplicates included).
struct ReportAudit {
  std::uint64_t distinct_parts = 0, records = 0, unparsed = 0;
};
ReportAudit audit_delivery_reports(const kafka::ClientConfig& config, const std::string& topic,
                                   const std::string& campaign_id);

}  // namespace smsim::test
