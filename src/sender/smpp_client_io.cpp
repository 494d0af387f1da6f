#include "sender/smpp_client_io.hpp"

#include <spdlog/spdlog.h>

namespace smsim::sender {

void SupplierIdRegistry::add(const std::string& supplier_id, Part part) {
  if (parts_.insert_or_assign(supplier_id, std::move(part)).second) order_.push_back(supplier_id);
  while (parts_.size() > capacity_ && !order_.empty()) {
    parts_.erase(order_.front());
    order_.pop_front();
  }
  // Erased ids stay in order_ until compacted here, so that it does not grow with every receipt.
  if (order_.size() > 2 * parts_.size() + 4096) {
    std::deque<std::string> kept;
    for (auto& id : order_) {
      if (parts_.count(id) != 0) kept.push_back(std::move(id));
    }
    order_.swap(kept);
  }
}

const SupplierIdRegistry::Part* SupplierIdRegistry::find(const std::string& supplier_id) const {
  const auto it = parts_.find(supplier_id);
  return it == parts_.end() ? nullptr : &it->second;
}

void SupplierIdRegistry::erase(const std::string& supplier_id) { parts_.erase(supplier_id); }

SmppClientIo::SmppClientIo() : work_(boost::asio::make_work_guard(io_)) {
  thread_ = std::thread([this] {
    try {
      io_.run();
    } catch (const std::exception& e) {
      spdlog::error("smpp i/o thread stopped: {}", e.what());
    }
  });
}

SmppClientIo::~SmppClientIo() {
  work_.reset();
  io_.stop();
  thread_.join();
}

}  // namespace smsim::sender
