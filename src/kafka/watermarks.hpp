#pragma once
// Low and high watermarks (first and next offset) of a topic's partitions, with a timeout that
// holds while a broker is lost.
//
// Why not rd_kafka_query_watermark_offsets: in librdkafka 2.0 it ignores its timeout while the
// partition's leader is down; it waits until the request to the dead broker times out (a minute)
// and, when metadata still names that broker, asks it again. A thread calling it per partition
// (the dispatcher, the Kafka panel) then stalls for minutes after a broker is killed. This asks
// each live leader once with rd_kafka_offsets_for_times, which honours its timeout.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace smsim::kafka {

struct Watermarks {
  std::int64_t low = 0;   // first offset still stored
  std::int64_t high = 0;  // the offset the next record will get (the end offset)
};

/// Watermarks of the topic's partitions whose leader the cluster lists and answers within
/// `timeout` (per leader). Partitions left out have no reachable leader right now. Throws
/// KafkaError when no metadata arrives. Any handle (producer or consumer) will do.
std::map<std::int32_t, Watermarks> query_watermarks(rd_kafka_t* handle, const std::string& topic,
                                                    std::chrono::milliseconds timeout);

}  // namespace smsim::kafka
