#include "sender/input_records.hpp"

#include "domain/record_coordinates.hpp"

namespace smsim::sender {

InputMessage decode_input(std::string_view value, std::string_view topic, std::int32_t partition, std::int64_t offset) {
  auto shape = records::decode_message_or_original(value);
  InputMessage input{std::move(shape.record), shape.original_shape};
  if (input.derived_id) input.record.message.id = domain::coordinate_id(topic, partition, offset);
  return input;
}

}  // namespace smsim::sender
